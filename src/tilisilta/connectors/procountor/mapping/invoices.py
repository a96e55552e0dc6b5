"""Canonical invoice → Procountor invoice. Pure: no I/O, tested on golden payloads."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from tilisilta.connectors.procountor.errors import PERIOD_FIX
from tilisilta.connectors.procountor.mapping.codes import COUNTRY_BY_ISO, UNIT_BY_CODE
from tilisilta.connectors.procountor.mapping.company_facts import CompanyFacts
from tilisilta.connectors.procountor.mapping.limits import (
    ADDITIONAL_INFORMATION_LIMIT,
    text_issues,
)
from tilisilta.connectors.procountor.mapping.vat_settings import VatSettings
from tilisilta.connectors.procountor.options import ChannelChoice, ProcountorOptions
from tilisilta.domain.documents import Invoice, InvoiceKind, Party, VatTreatment
from tilisilta.domain.references import compact, make_finnish_reference
from tilisilta.domain.units import unit_code
from tilisilta.domain.validation import Problem, document_label
from tilisilta.fixes import fix

LANGUAGES = {
    "fi": "FINNISH",
    "sv": "SWEDISH",
    "en": "ENGLISH",
    "et": "ESTONIAN",
    "da": "DANISH",
    "no": "NORWEGIAN",
    "nb": "NORWEGIAN",
}
TREATMENT_NAMES = {
    VatTreatment.DOMESTIC: "domestic sale",
    VatTreatment.DOMESTIC_REVERSE_CHARGE: "construction reverse charge",
    VatTreatment.EU_GOODS: "EU goods sale",
    VatTreatment.EU_SERVICES: "EU service sale",
    VatTreatment.EXPORT: "export",
    VatTreatment.OUTSIDE_SCOPE: "outside the scope of Finnish VAT",
    VatTreatment.EXEMPT: "VAT-exempt sale",
    VatTreatment.NO_VAT: "no VAT handling",
}
CREDIT_NOTE_TEXT = {
    "fi": "Hyvityslasku laskulle {number}{dated}.",
    "sv": "Kreditnota för faktura {number}{dated}.",
    "en": "Credit note for invoice {number}{dated}.",
}
DATED = {"fi": ", päivätty {d}", "sv": " daterad {d}", "en": " dated {d}"}


@dataclass(frozen=True)
class RegisterLinks:
    """Procountor register ids to link an invoice to: its customer and its rows' products."""

    partner_id: int | None = None
    product_ids: Mapping[str, int] = field(default_factory=dict)  # product code -> productId
    # row index (from 0) -> productId, for posting products; wins over the code's product
    row_product_ids: Mapping[int, int] = field(default_factory=dict)

    def product_for(self, index: int, code: str | None) -> int | None:
        if index in self.row_product_ids:
            return self.row_product_ids[index]
        return self.product_ids.get(code) if code else None


def check_invoice(
    invoice: Invoice,
    options: ProcountorOptions,
    facts: CompanyFacts | None = None,
    *,
    vat: VatSettings | None = None,
) -> list[Problem]:
    """What Procountor needs beyond the domain rules: mapped VAT statuses enabled for sales,
    rates the company uses, units, countries, an open period for the invoice date, and the
    fields the chosen invoice channel requires. The VAT statuses and rates are checked against
    ``vat``, the company's VAT defaults as last fetched (see ``state.load_vat_settings``)."""
    label = document_label(invoice)
    problems: list[Problem] = []

    def add(field: str, value: str | None, message: str, fix: str, rule: str) -> None:
        problems.append(
            Problem(document=label, field=field, value=value, message=message, fix=fix, rule=rule)
        )

    if facts is not None:
        closed = facts.period_problem(invoice.invoice_date)
        if closed:
            add(
                "invoice_date",
                invoice.invoice_date.isoformat(),
                f"{closed}; Procountor refuses invoices dated there",
                PERIOD_FIX,
                "procountor_open_period",
            )
    settings = vat
    for i, line in enumerate(invoice.lines, start=1):
        status = options.vat_statuses.get(line.vat_treatment.value)
        if settings is not None and status is not None and not settings.sales_status(status):
            add(
                f"lines[{i}].vat_treatment",
                line.vat_treatment.value,
                f"VAT status {settings.describe(status)} mapped for "
                f"'{TREATMENT_NAMES[line.vat_treatment]}' is not enabled for sales in Procountor",
                "enable it for sales in Procountor (ALV-oletukset), or map the treatment to "
                "another status with "
                + fix("connection.vat_status", treatment=line.vat_treatment.value),
                "procountor_vat_status_sales",
            )
        if (
            settings is not None
            and settings.sales_percentages
            and (line.vat_rate not in settings.sales_percentages)
        ):
            rates = ", ".join(f"{r.normalize():f}" for r in sorted(settings.sales_percentages))
            add(
                f"lines[{i}].vat_rate",
                f"{line.vat_rate.normalize():f}",
                f"VAT rate {line.vat_rate.normalize():f} % is not in use in the Procountor "
                f"company (in use: {rates})",
                "take the rate into use in Procountor, or correct the tax in the ERP",
                "procountor_vat_rate",
            )
        if line.vat_treatment.value not in options.vat_statuses:
            name = TREATMENT_NAMES[line.vat_treatment]
            add(
                f"lines[{i}].vat_treatment",
                line.vat_treatment.value,
                f"no Procountor VAT status is mapped for '{name}'",
                f"map it with {fix('connection.vat_status', treatment=line.vat_treatment.value)} "
                "(the company's statuses are in Procountor's VAT defaults, ALV-oletukset)",
                "procountor_vat_status",
            )
        code = unit_code(line.unit)
        if code is None or code not in UNIT_BY_CODE:
            add(
                f"lines[{i}].unit",
                line.unit,
                f"unit '{line.unit}' has no Procountor unit",
                "use a UN/ECE Rec 20 code Procountor knows, e.g. C62 (piece), HUR (hour), "
                "KGM (kilogram)",
                "procountor_unit",
            )
    country = invoice.customer.address.country
    if country.upper() not in COUNTRY_BY_ISO:
        add(
            "customer.address.country",
            country,
            f"country '{country}' is not one Procountor knows",
            "use the ISO 3166 two-letter code of the customer's country",
            "procountor_country",
        )
    channel = invoice_channel(invoice, options)
    customer = invoice.customer
    if channel == "EMAIL" and not customer.email:
        add(
            "customer.email",
            None,
            "the invoice is to be sent by email but the customer has no email address",
            "add the customer's email address, or choose another channel",
            "procountor_channel_email",
        )
    address = customer.address
    if channel in ("MAIL", "ELECTRONIC_INVOICE") and not (
        address.street and address.postal_code and address.city
    ):
        add(
            "customer.address",
            None,
            "the invoice is to be sent by mail or as an e-invoice, which needs the customer's "
            "street, postal code and city",
            "complete the customer's address, or choose another channel",
            "procountor_channel_address",
        )
    if channel == "ELECTRONIC_INVOICE" and not (
        customer.einvoice_address and customer.einvoice_operator
    ):
        add(
            "customer.einvoice_address",
            customer.einvoice_address,
            "the invoice is to be sent as an e-invoice but the customer's e-invoice address or "
            "operator is missing",
            "add the e-invoice address and operator, or choose another channel",
            "procountor_channel_einvoice",
        )
    problems += _text_problems(invoice, label)
    problems += _total_problems(invoice, label)
    return problems


def procountor_total(invoice: Invoice) -> Decimal:
    """The total Procountor will compute for the invoice as the hub sends it: each row's net
    rounded, each row's VAT rounded, then summed (reference domain.md, Rounding)."""
    return invoice.net_total + sum(invoice.vat_rounded_per_line().values(), Decimal(0))


def _total_problems(invoice: Invoice, label: str) -> list[Problem]:
    """The ERP's total and Procountor's must agree to the cent; rows cannot be made to agree
    (Procountor takes no VAT amounts), so a difference stops the invoice."""
    stated = invoice.stated_total
    if stated is None:
        return []
    predicted = procountor_total(invoice)
    if predicted == stated:
        return []
    return [
        Problem(
            document=label,
            field="stated_total",
            value=f"{stated:.2f}",
            message=f"The ERP's total is {stated:.2f} {invoice.currency} but Procountor, which "
            f"rounds VAT row by row, would total {predicted:.2f} {invoice.currency}; the "
            "invoice would not agree to the cent.",
            fix="make the ERP round VAT per line (in Odoo: Accounting settings, Taxes, Rounding "
            "Method 'Round per Line'), or change a row so that both round alike, then send "
            "again.",
            rule="procountor_total",
        )
    ]


def _text_problems(invoice: Invoice, label: str) -> list[Problem]:
    problems = []
    printed = _texts(invoice) or ""
    if len(printed) > ADDITIONAL_INFORMATION_LIMIT:
        problems.append(
            Problem(
                document=label,
                field="lines.vat_exemption_reason",
                value=printed,
                message=f"The printed texts (credit note text and VAT exemption reasons) are "
                f"{len(printed)} characters; Procountor takes at most "
                f"{ADDITIONAL_INFORMATION_LIMIT} in additionalInformation.",
                fix="shorten the VAT exemption reasons in the ERP.",
                rule="procountor_text_length",
            )
        )
    for issue in text_issues(invoice):
        if issue.kind == "length":
            limit = issue.limit.max_length
            message = (
                f"The text is {issue.detail} long; Procountor takes at most {limit} in "
                f"{issue.limit.procountor}, and the hub does not cut it."
            )
            advice = f"shorten it to {limit} characters in the ERP."
            rule = "procountor_text_length"
        else:
            message = (
                f"The text contains {issue.detail}, which Procountor does not accept: it takes "
                "only characters of the Windows-1252 set (Latin letters, digits, common "
                "punctuation)."
            )
            advice = "replace or remove those characters in the ERP."
            rule = "procountor_characters"
        problems.append(
            Problem(
                document=label,
                field=issue.field,
                value=issue.value,
                message=message,
                fix=advice,
                rule=rule,
            )
        )
    return problems


def invoice_channel(invoice: Invoice, options: ProcountorOptions) -> str:
    choice = options.channel
    if invoice.channel is not None:
        choice = ChannelChoice(invoice.channel.value)
    if choice is ChannelChoice.AUTO:
        customer = invoice.customer
        address = customer.address
        if customer.einvoice_address and customer.einvoice_operator:
            return "ELECTRONIC_INVOICE"
        if customer.email:
            return "EMAIL"
        if address.street and address.postal_code and address.city:
            return "MAIL"
        return "NO_SENDING"
    return {
        ChannelChoice.EMAIL: "EMAIL",
        ChannelChoice.MAIL: "MAIL",
        ChannelChoice.EINVOICE: "ELECTRONIC_INVOICE",
        ChannelChoice.NONE: "NO_SENDING",
    }[choice]


def payment_reference(invoice: Invoice) -> tuple[str, str | None]:
    """(reference, type): the ERP's own; else one made from a numeric invoice number;
    else "" so that Procountor generates one."""
    if invoice.payment_reference:
        ref = compact(invoice.payment_reference)
        return ref, "RF" if ref.startswith("RF") else "FI"
    digits = invoice.number.strip()
    if digits.isdigit() and 3 <= len(digits.lstrip("0")) <= 19:
        return make_finnish_reference(digits), "FI"
    return "", None


def _address(party: Party) -> dict[str, Any]:
    address = party.address
    result: dict[str, Any] = {"name": party.name}
    if address.street:
        result["street"] = address.street
    if address.postal_code:
        result["zip"] = address.postal_code
    if address.city:
        result["city"] = address.city
    result["country"] = COUNTRY_BY_ISO[address.country.upper()]
    return result


def _counterparty(party: Party) -> dict[str, Any]:
    result: dict[str, Any] = {"counterPartyAddress": _address(party)}
    if party.business_id:
        result["identifier"] = party.business_id
    if party.vat_number:
        result["taxCode"] = party.vat_number
    if party.customer_number:
        result["customerNumber"] = party.customer_number
    if party.email:
        result["email"] = party.email
    if party.einvoice_address:
        einvoice: dict[str, Any] = {"address": party.einvoice_address}
        if party.einvoice_operator:
            einvoice["operator"] = party.einvoice_operator
        result["einvoiceAddress"] = einvoice
    return result


def _fi_date(day: date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def _texts(invoice: Invoice) -> str | None:
    """Printed text: what a credit note credits, and the basis of every 0 % line (AVL § 209 e)."""
    lang = invoice.customer.language if invoice.customer.language in CREDIT_NOTE_TEXT else "fi"
    parts: list[str] = []
    if invoice.kind is InvoiceKind.CREDIT_NOTE and invoice.credited_invoice_number:
        dated = ""
        if invoice.credited_invoice_date:
            dated = DATED[lang].format(d=_fi_date(invoice.credited_invoice_date))
        parts.append(
            CREDIT_NOTE_TEXT[lang].format(number=invoice.credited_invoice_number, dated=dated)
        )
    reasons = dict.fromkeys(
        line.vat_exemption_reason for line in invoice.lines if line.vat_exemption_reason
    )
    parts.extend(r for r in reasons if r)
    needs_vat_id = any(line.vat_treatment.needs_buyer_vat_number for line in invoice.lines)
    if needs_vat_id and invoice.customer.vat_number:
        parts.append(f"VAT {invoice.customer.vat_number}")
    return "\n".join(parts) or None


def _header_vat_status(invoice: Invoice, options: ProcountorOptions) -> int:
    most_common = Counter(line.vat_treatment.value for line in invoice.lines).most_common(1)[0][0]
    return options.vat_statuses[most_common]


def to_procountor_invoice(
    invoice: Invoice,
    options: ProcountorOptions,
    *,
    bank_account: str,
    links: RegisterLinks | None = None,
) -> dict[str, Any]:
    """The POST /invoices body. Call only when :func:`check_invoice` found nothing."""
    links = links or RegisterLinks()
    reference, reference_type = payment_reference(invoice)
    payment_info: dict[str, Any] = {
        "paymentMethod": "BANK_TRANSFER",
        "currency": invoice.currency,
        "bankAccount": {"accountNumber": bank_account.replace(" ", "")},
        "dueDate": invoice.due_date.isoformat(),
        "currencyRate": invoice.exchange_rate or Decimal(1),
        "bankReferenceCode": reference,
    }
    if reference_type:
        payment_info["bankReferenceCodeType"] = reference_type
    rows = [
        {
            "product": line.description,
            **({"productCode": line.product_code} if line.product_code else {}),
            **(
                {"productId": product_id}
                if (product_id := links.product_for(index, line.product_code)) is not None
                else {}
            ),
            "quantity": line.quantity,
            "unit": UNIT_BY_CODE[unit_code(line.unit) or line.unit],
            "unitPrice": line.unit_price,
            "discountPercent": line.discount_percent,
            "vatPercent": line.vat_rate,
            "vatStatus": options.vat_statuses[line.vat_treatment.value],
        }
        for index, line in enumerate(invoice.lines)
    ]
    notes = f"Tilisilta: {document_label(invoice)} from the ERP"
    payload: dict[str, Any] = {
        "type": "SALES_INVOICE",
        "date": invoice.invoice_date.isoformat(),
        "counterParty": _counterparty(invoice.customer),
        "billingAddress": _address(invoice.customer),
        "paymentInfo": payment_info,
        "extraInfo": {
            "accountingByRow": any(line.coded for line in invoice.lines),
            "unitPricesIncludeVat": False,
        },
        "discountPercent": Decimal(0),
        "invoiceRows": rows,
        "invoiceChannel": invoice_channel(invoice, options),
        "vatStatus": _header_vat_status(invoice, options),
        "language": LANGUAGES.get(invoice.customer.language, "ENGLISH"),
        "originalInvoiceNumber": invoice.number,
        "notes": notes,
    }
    if links.partner_id is not None:
        payload["partnerId"] = links.partner_id
    if invoice.supply_date and invoice.supply_date != invoice.invoice_date:
        payload["deliveryStartDate"] = invoice.supply_date.isoformat()
        payload["deliveryEndDate"] = invoice.supply_date.isoformat()
    if invoice.order_reference:
        payload["orderReference"] = invoice.order_reference
    if invoice.buyer_reference:
        payload["buyerReferenceIdentifier"] = invoice.buyer_reference
    text = _texts(invoice)
    if text:
        payload["additionalInformation"] = text
    return payload
