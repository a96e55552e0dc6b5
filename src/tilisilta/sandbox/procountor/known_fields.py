"""The fields Procountor's invoice model has, to refuse any other in a POST or PUT /invoices.

Property lists of the third-party yaml (shared/specs/procountor/procountor-api.yaml, 25.12.0,
the only machine-readable copy), plus what the 26.04 spec adds (COMPARISON.md §4 and §6:
``CounterParty.bccAddresses``). Read-only fields are in the lists too: a client may echo them
back, and Procountor ignores them.
"""

from __future__ import annotations

from typing import Any

from . import errors as e
from .checks import join
from .errors import ValidationErrors

_ADDRESS = frozenset({"city", "country", "name", "specifier", "street", "subdivision", "zip"})
_BANK_ACCOUNT = frozenset({"accountNumber", "bic"})
_INVOICE = frozenset(
    {
        "accountingCode", "additionalInformation", "agreementNumber", "attachments",
        "billingAddress", "buyerReferenceIdentifier", "counterParty", "creatorId", "date",
        "deliveryAddress", "deliveryEndDate", "deliveryInstructions", "deliveryMethod",
        "deliverySite", "deliveryStartDate", "deliveryTermsInfo", "discountPercent", "extraInfo",
        "factoringContractId", "factoringText", "id", "invoiceApprovalInformation",
        "invoiceChannel", "invoiceNumber", "invoiceOperatorInfo", "invoiceRows",
        "invoiceSumInfo", "invoiceTemplateId", "isOffer", "language", "ledgerReceiptId", "notes",
        "orderNumber", "orderReference", "originalInvoiceNumber", "partnerId", "paymentDate",
        "paymentInfo", "penaltyPercent", "sellerReferenceIdentifier", "status", "sum",
        "tenderReference", "travelInformationItems", "type", "vatCountry", "vatStatus",
        "version",
    }
)  # fmt: skip
_ROW = frozenset(
    {
        "comment", "discountPercent", "endDate", "explanationText", "headerText", "id",
        "product", "productCode", "productId", "quantity", "startDate", "unit", "unitPrice",
        "vatPercent", "vatStatus",
    }
)  # fmt: skip
_PAYMENT_INFO = frozenset(
    {
        "bankAccount", "bankReferenceCode", "bankReferenceCodeType", "cashDiscount",
        "clearingCode", "currency", "currencyRate", "dueDate", "newDueDate", "paymentMethod",
        "paymentTermPercentage",
    }
)  # fmt: skip
_COUNTER_PARTY = frozenset(
    {
        "bankAccount", "bccAddresses", "contactPersonName", "counterPartyAddress",
        "customerNumber", "einvoiceAddress", "email", "identifier", "taxCode",
    }
)  # fmt: skip


def unknown_invoice_fields(errs: ValidationErrors, payload: dict[str, Any]) -> None:
    """One error per field the invoice model does not have, named by its path."""
    _unknown(errs, payload, _INVOICE, "")
    _unknown(errs, payload.get("extraInfo"), {"accountingByRow", "unitPricesIncludeVat"},
             "extraInfo")  # fmt: skip
    _unknown(errs, payload.get("deliveryTermsInfo"), {"municipality", "name"}, "deliveryTermsInfo")
    for key in ("billingAddress", "deliveryAddress"):
        _unknown(errs, payload.get(key), _ADDRESS, key)
    party = payload.get("counterParty")
    _unknown(errs, party, _COUNTER_PARTY, "counterParty")
    if isinstance(party, dict):
        _unknown(
            errs, party.get("counterPartyAddress"), _ADDRESS, "counterParty.counterPartyAddress"
        )
        _unknown(errs, party.get("bankAccount"), _BANK_ACCOUNT, "counterParty.bankAccount")
    payment = payload.get("paymentInfo")
    _unknown(errs, payment, _PAYMENT_INFO, "paymentInfo")
    if isinstance(payment, dict):
        _unknown(errs, payment.get("bankAccount"), _BANK_ACCOUNT, "paymentInfo.bankAccount")
        _unknown(errs, payment.get("cashDiscount"), {"cashDiscountsTermType", "optionList"},
                 "paymentInfo.cashDiscount")  # fmt: skip
    rows = payload.get("invoiceRows")
    if isinstance(rows, list):
        for index, row in enumerate(rows):
            _unknown(errs, row, _ROW, f"invoiceRows[{index}]")


def _unknown(
    errs: ValidationErrors, value: Any, known: frozenset[str] | set[str], path: str
) -> None:
    if not isinstance(value, dict):
        return
    for key in value:
        if key not in known:
            errs.add(join(path, key), e.UNKNOWN_FIELD)


_PARTNER = frozenset(
    {
        "additionalInfo", "address", "attachments", "billingAddress", "contactPersons",
        "deliveryAddress", "id", "invoicingInfo", "name", "paymentInfo", "registryInfo", "type",
        "version",
    }
)  # fmt: skip
_PARTNER_SECTIONS: dict[str, frozenset[str]] = {
    "address": _ADDRESS,
    "billingAddress": _ADDRESS,
    "deliveryAddress": _ADDRESS,
    "invoicingInfo": frozenset(
        {
            "accountingCode", "agreementNumber", "buyerReferenceIdentifier", "contactPerson",
            "customerNumber", "deliverySite", "denyEinvoiceReminders", "einvoiceAddress",
            "einvoiceOperator", "email", "identifier", "identifierType", "invoiceChannel",
            "language", "orderNumber", "orderReference", "ovt", "sellerReferenceIdentifier",
            "tenderReference",
        }
    ),
    "paymentInfo": frozenset(
        {
            "bankAccount", "bic", "cashDiscount", "clearingCode", "currency",
            "customerAccountNumber", "deliveryMethod", "discountPercentage",
            "factoringContractId", "paymentMethod", "paymentTermDays", "paymentTermPercentage",
            "penalInterestRate",
        }
    ),
    "additionalInfo": frozenset(
        {
            "auxiliaryCompanyName", "comments1", "comments2", "defaultAdditionalInformation",
            "defaultReference", "formerCompanyName", "group", "invoiceLedger", "invoicePeriod",
            "parentCompanyId", "parentCompanyIdType", "sector", "webAddress",
            "withholdingRegisterMarking",
        }
    ),
    "registryInfo": frozenset(
        {
            "active", "fax", "homeMunicipality", "mobilePhone", "partnerGroups", "phone",
            "reportGroup", "reportGroupId", "section",
        }
    ),
}  # fmt: skip


def unknown_partner_fields(errs: ValidationErrors, payload: dict[str, Any]) -> None:
    """The business partner model's fields (the yaml's BusinessPartner and its parts)."""
    _unknown(errs, payload, _PARTNER, "")
    for section, known in _PARTNER_SECTIONS.items():
        _unknown(errs, payload.get(section), known, section)
    persons = payload.get("contactPersons")
    if isinstance(persons, list):
        for index, person in enumerate(persons):
            _unknown(errs, person, {"email", "id", "name", "phone"}, f"contactPersons[{index}]")
