"""Pre-send checks for sales invoices and credit notes (domain.md §6), before any target is known.

Every problem names the document, the field, the value, what is wrong and what to do. Field paths
are dotted; ``lines[N]`` counts lines from 1, as people and printed invoices do. Only ERROR
problems block sending; warnings are shown and the document still goes.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, field_validator

from tilisilta.domain.documents import (
    DeliveryChannel,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    Seller,
    VatTreatment,
)
from tilisilta.domain.identifiers import (
    EU_COUNTRIES,
    bic_error,
    business_id_error,
    compact_vat_number,
    einvoice_address_error,
    eu_vat_error,
    iban_error,
    normalize_business_id,
    vat_number_country,
    vat_number_for_business_id,
    vat_prefix_for_country,
)
from tilisilta.domain.money import CENT, HUNDRED, round_money
from tilisilta.domain.references import reference_error
from tilisilta.domain.units import NOT_REC20, unit_error
from tilisilta.domain.vat_rates import is_valid_rate, rates_on, replacement_for


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


_QUOTED = 40  # a value quoted in a message: its first 40 characters, then "…"


class Problem(BaseModel):
    """One thing wrong with a document, said so that the person who fixes it knows what to do."""

    model_config = ConfigDict(frozen=True)

    document: str  # "Invoice 1001" / "Credit note 1002"
    field: str  # dotted path; lines[N] counts from 1
    value: str | None  # the offending value as text, at most 40 characters; None when missing
    message: str
    fix: str
    severity: Severity = Severity.ERROR
    rule: str  # short stable id

    @field_validator("value")
    @classmethod
    def _quoted(cls, value: str | None) -> str | None:
        # A 20,000-character text is quoted by its start, not printed whole.
        if value is None or len(value) <= _QUOTED:
            return value
        return value[:_QUOTED] + "…"

    def __str__(self) -> str:
        where = self.field if self.value is None else f"{self.field} = {self.value!r}"
        return f"{self.document}, {where}: {self.message} Fix: {self.fix}"


@dataclasses.dataclass(frozen=True)
class ValidationContext:
    """What the rules check a document against. A seller's details (the company's, or a
    document's own) are checked once per seller (`_seller_check` is cached), not again for
    every document that uses them."""

    today: date
    seller: Seller | None = None  # the company, used when the invoice carries no seller
    # number -> gross total of the invoices the hub knows, to check credit notes against
    known_invoices: Mapping[str, Decimal] = dataclasses.field(default_factory=dict)
    known_operators: frozenset[str] | None = None  # e-invoice operator ids; None: don't check
    # True when the caller tells the company's problems once (`company_problems`): a document
    # without seller details of its own is then not told of them again.
    company_told_apart: bool = False

    def company_problems(self) -> list[Problem]:
        """What is wrong with the company's own details (``seller``), told once of the company:
        the same problems, with the same messages and fixes, that `validate_invoice` finds on
        every document that carries no seller of its own."""
        label = "The company" if self.seller is None else f"Company {self.seller.name}"
        return [finding.told_of(label) for finding in _seller_check(self.seller).all]


def document_label(invoice: Invoice) -> str:
    noun = "Credit note" if invoice.kind is InvoiceKind.CREDIT_NOTE else "Invoice"
    return f"{noun} {invoice.number.strip() or '(no number)'}"


def blocks_sending(problems: Iterable[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)


def validate_invoice(invoice: Invoice, context: ValidationContext) -> list[Problem]:
    doc = _Doc(invoice, context, document_label(invoice))
    return [problem for check in _CHECKS for problem in check(doc)]


# --- plumbing ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Finding:
    """A problem before it is told of a document (or of the company)."""

    field: str
    value: object
    message: str
    fix: str
    rule: str
    severity: Severity = Severity.ERROR

    def told_of(self, document: str) -> Problem:
        return Problem(
            document=document,
            field=self.field,
            value=_text(self.value),
            message=self.message,
            fix=self.fix,
            severity=self.severity,
            rule=self.rule,
        )


@dataclasses.dataclass(frozen=True)
class _SellerCheck:
    """The findings on one seller's details: its identifiers and bank (told where the seller
    rules stand, §6.5) and its name's length (told with the customer's, §6.27)."""

    details: tuple[_Finding, ...]
    name: tuple[_Finding, ...]

    @property
    def all(self) -> tuple[_Finding, ...]:
        return (*self.details, *self.name)


@dataclasses.dataclass(frozen=True)
class _Doc:
    invoice: Invoice
    context: ValidationContext
    label: str

    @property
    def seller_check(self) -> _SellerCheck | None:
        """The findings on the document's seller; None when they are not the document's to
        tell (the company's, told once by the caller)."""
        if self.invoice.seller is not None:
            return _seller_check(self.invoice.seller)
        return None if self.context.company_told_apart else _seller_check(self.context.seller)

    @property
    def is_credit_note(self) -> bool:
        return self.invoice.kind is InvoiceKind.CREDIT_NOTE

    def problem(
        self,
        field: str,
        value: object,
        message: str,
        fix: str,
        rule: str,
        severity: Severity = Severity.ERROR,
    ) -> Problem:
        return _Finding(field, value, message, fix, rule, severity).told_of(self.label)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return _num(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _num(value: Decimal) -> str:
    """Plain notation: Decimal('1E+1') prints as 10, never in exponent form."""
    return format(value, "f")


def _pct(rate: Decimal) -> str:
    return format(rate.normalize(), "f")


def _money(amount: Decimal) -> str:
    return _num(round_money(amount))


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _decimals(value: Decimal) -> int:
    if not value.is_finite():
        return 99
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 99


def _line_path(index: int) -> str:
    return f"lines[{index + 1}]"


_SALE_NAMES: dict[VatTreatment, str] = {
    VatTreatment.DOMESTIC: "a domestic sale",
    VatTreatment.DOMESTIC_REVERSE_CHARGE: "a domestic reverse-charge sale (construction or scrap)",
    VatTreatment.EU_GOODS: "an EU goods sale",
    VatTreatment.EU_SERVICES: "an EU service sale",
    VatTreatment.EXPORT: "an export sale",
    VatTreatment.OUTSIDE_SCOPE: "a sale outside the scope of Finnish VAT",
    VatTreatment.EXEMPT: "a VAT-exempt sale",
    VatTreatment.NO_VAT: "a sale without VAT handling",
}

# What an invoice may say as the basis of a 0 % or reverse-charge line (AVL § / VATEX code).
_BASIS_EXAMPLES: dict[VatTreatment, str] = {
    VatTreatment.DOMESTIC_REVERSE_CHARGE: "'Käännetty verovelvollisuus, AVL 8 c §' or VATEX-EU-AE",
    VatTreatment.EU_GOODS: "'Yhteisömyynti, AVL 72 a §' or VATEX-EU-IC",
    VatTreatment.EU_SERVICES: "'Käännetty verovelvollisuus, AVL 65 §' or VATEX-EU-AE",
    VatTreatment.EXPORT: "'Vienti, AVL 70 §' or VATEX-EU-G",
    VatTreatment.OUTSIDE_SCOPE: "'Myyntimaa ei ole Suomi' or VATEX-EU-O",
    VatTreatment.EXEMPT: "the AVL section of the exemption, e.g. 'AVL 34 §' for health care",
}

_EU_TREATMENTS = frozenset({VatTreatment.EU_GOODS, VatTreatment.EU_SERVICES})
_MAX_NUMBER_LENGTH = 20  # Finvoice InvoiceNumber
_MAX_DESCRIPTION_LENGTH = 100  # Finvoice ArticleName
# Finvoice amounts have at most 15 digits before the decimal point (and accounting systems
# store them as 64-bit numbers of cents): a quantity or price this large is an error.
_LARGEST = Decimal("1000000000000")
VAT_BEGAN = date(1994, 6, 1)  # the Finnish VAT act (1501/1993) took effect
ZERO = Decimal(0)
_NAME_LENGTH = (2, 70)  # Finvoice organisation names
_FAR_SUPPLY_DAYS = 366
_ALAND_POSTCODE = re.compile(r"22\d{3}")

# Active ISO 4217 currencies one can invoice in (no funds, metals or test codes).
_ISO_4217 = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
    GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
    KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK
    MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
    SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS
    UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
"""
ISO_4217_CURRENCIES = frozenset(_ISO_4217.split())


# --- the rules, in checklist order --------------------------------------------------------------


def _check_number(doc: _Doc) -> Iterator[Problem]:  # §6.1
    number = doc.invoice.number.strip()
    if not number:
        yield doc.problem(
            "number",
            None,
            "Invoice number is missing.",
            "give the document its number from the ERP's invoice series.",
            "number_missing",
        )
    elif len(number) > _MAX_NUMBER_LENGTH:
        yield doc.problem(
            "number",
            number,
            f"Invoice number {number!r} is {len(number)} characters; at most "
            f"{_MAX_NUMBER_LENGTH} are allowed.",
            f"use a number series whose numbers fit in {_MAX_NUMBER_LENGTH} characters.",
            "number_too_long",
        )
    if not doc.invoice.lines:
        yield doc.problem(
            "lines", None, "The document has no lines.", "add at least one line.", "lines_missing"
        )


def _check_dates(doc: _Doc) -> Iterator[Problem]:  # §6.3, §6.4, §6.19
    invoice, today = doc.invoice, doc.context.today
    if invoice.invoice_date > today:
        yield doc.problem(
            "invoice_date",
            invoice.invoice_date,
            f"Invoice date {invoice.invoice_date} is in the future (today is {today}).",
            "date the invoice today or earlier, or send it on its date.",
            "invoice_date_in_future",
        )
    if invoice.invoice_date < VAT_BEGAN:
        yield doc.problem(
            "invoice_date",
            invoice.invoice_date,
            f"Invoice date {invoice.invoice_date} is before Finnish VAT began ({VAT_BEGAN}): "
            "the date is wrong.",
            "correct the invoice date in the ERP, especially its year.",
            "invoice_date_implausible",
        )
    if invoice.due_date < invoice.invoice_date:
        yield doc.problem(
            "due_date",
            invoice.due_date,
            f"Due date {invoice.due_date} is before invoice date {invoice.invoice_date}.",
            "set the due date on or after the invoice date (invoice date + payment terms).",
            "due_date_before_invoice_date",
        )
    # A missing supply date defaults to the invoice date, which is fine. One far from the invoice
    # date is most likely a mistyped year, and it picks the VAT rate.
    dated: list[tuple[str, date]] = []
    if invoice.supply_date is not None:
        dated.append(("supply_date", invoice.supply_date))
    dated += [
        (f"{_line_path(i)}.supply_date", line.supply_date)
        for i, line in enumerate(invoice.lines)
        if line.supply_date is not None
    ]
    for path, supplied in dated:
        days = (supplied - invoice.invoice_date).days
        if abs(days) > _FAR_SUPPLY_DAYS:
            side = "after" if days > 0 else "before"
            yield doc.problem(
                path,
                supplied,
                f"Supply date {supplied} is {abs(days)} days {side} the invoice date "
                f"{invoice.invoice_date}; the VAT rate is chosen by the supply date.",
                "check the supply (delivery) date, especially its year.",
                "supply_date_far_from_invoice_date",
                Severity.WARNING,
            )


def _check_seller(doc: _Doc) -> Iterator[Problem]:  # §6.5, §6.18
    check = doc.seller_check
    for finding in check.details if check is not None else ():
        yield finding.told_of(doc.label)


@functools.lru_cache(maxsize=64)  # a run checks one company, or an ERP's few sellers, per document
def _seller_check(seller: Seller | None) -> _SellerCheck:
    name = () if seller is None else _name_length("seller.name", "Seller", seller.name)
    return _SellerCheck(details=tuple(_seller_details(seller)), name=tuple(name))


def _seller_details(seller: Seller | None) -> Iterator[_Finding]:
    if seller is None:
        yield _Finding(
            "seller",
            None,
            "The document has no seller details and the company's are not set up.",
            "set up the company's name, business ID, VAT number and bank account.",
            "seller_missing",
        )
        return
    error = business_id_error(seller.business_id)
    if error:
        yield _Finding(
            "seller.business_id",
            seller.business_id,
            _sentence(f"Seller {error}"),
            "correct the company's business ID (Y-tunnus, e.g. 2077474-0).",
            "seller_business_id",
        )
    elif not _blank(seller.vat_number):
        expected = vat_number_for_business_id(seller.business_id)
        if compact_vat_number(seller.vat_number or "") != expected:
            yield _Finding(
                "seller.vat_number",
                seller.vat_number,
                f"Seller VAT number must be {expected} to match business ID "
                f"{normalize_business_id(seller.business_id)}.",
                f"change the seller's VAT number to {expected}.",
                "seller_vat_number",
            )
    if not _blank(seller.iban):
        error = iban_error(seller.iban or "")
        if error:
            yield _Finding(
                "seller.iban",
                seller.iban,
                _sentence(f"Seller {error}"),
                "correct the company's bank account (IBAN, e.g. FI49 5000 9420 0287 30).",
                "seller_iban",
            )
    if not _blank(seller.bic):
        error = bic_error(seller.bic or "")
        if error:
            yield _Finding(
                "seller.bic",
                seller.bic,
                _sentence(f"Seller {error}"),
                "correct the BIC of the company's bank (e.g. NDEAFIHH, OKOYFIHH).",
                "seller_bic",
            )


def _check_customer_business_id(doc: _Doc) -> Iterator[Problem]:  # §6.6
    customer = doc.invoice.customer
    # Only Finnish (and Åland) companies have a Y-tunnus; foreign registry numbers go unchecked.
    if _blank(customer.business_id) or _country(doc) not in {"FI", "AX"}:
        return
    error = business_id_error(customer.business_id or "")
    if error:
        yield doc.problem(
            "customer.business_id",
            customer.business_id,
            _sentence(f"Customer {error}"),
            "correct the customer's business ID (Y-tunnus) in the ERP, or remove it.",
            "customer_business_id",
        )


def _check_customer_vat_number(doc: _Doc) -> Iterator[Problem]:  # §6.7
    needing = _needing_buyer_vat(doc)
    vat_number = (doc.invoice.customer.vat_number or "").strip()
    if needing and not vat_number:
        yield doc.problem(
            "customer.vat_number",
            None,
            f"Customer VAT number is required for {_SALE_NAMES[needing[0]]}.",
            "add the customer's VAT number with its country prefix (e.g. SE556703748501).",
            "customer_vat_number_missing",
        )
        return
    # Optional without such lines: a wrong number is still printed, but it changes no VAT.
    if not vat_number or not (needing or _country(doc) in EU_COUNTRIES):
        return
    error = eu_vat_error(vat_number)
    if error:
        yield doc.problem(
            "customer.vat_number",
            vat_number,
            _sentence(f"Customer {error}"),
            "correct the customer's VAT number (with its country prefix); it can be checked in "
            "the EU's VIES service.",
            "customer_vat_number_invalid",
            Severity.ERROR if needing else Severity.WARNING,
        )


def _check_eu_sale(doc: _Doc) -> Iterator[Problem]:  # §6.8
    needing = frozenset(_needing_buyer_vat(doc))
    country = _country(doc)
    vat_number = (doc.invoice.customer.vat_number or "").strip()
    valid_vat = bool(vat_number) and eu_vat_error(vat_number) is None
    prefix = compact_vat_number(vat_number)[:2]
    if needing & _EU_TREATMENTS:
        # Northern Ireland buyers of goods have XI numbers and are in the EU VAT area for goods.
        northern_ireland = (
            country == "GB" and prefix == "XI" and VatTreatment.EU_SERVICES not in needing
        )
        if country not in EU_COUNTRIES - {"FI"} and not northern_ireland:
            yield doc.problem(
                "customer.address.country",
                country or None,
                f"An EU sale needs a customer in another EU country, but the customer's country "
                f"is {country!r}.",
                "use domestic VAT for a Finnish customer and export for Åland or outside the EU; "
                "otherwise correct the customer's country.",
                "eu_sale_customer_country",
            )
        elif valid_vat and prefix == "FI":
            yield doc.problem(
                "customer.vat_number",
                vat_number,
                "EU sale: customer VAT number must be from the customer's EU country, not FI.",
                f"use the customer's {vat_prefix_for_country(country)} VAT number.",
                "eu_vat_country",
            )
        elif valid_vat and not northern_ireland and vat_number_country(vat_number) != country:
            yield doc.problem(
                "customer.vat_number",
                vat_number,
                f"EU sale: customer VAT number {vat_number!r} is from {prefix}, but the customer "
                f"is in {country}.",
                "use the VAT number of the customer's country, or correct the customer's country.",
                "eu_vat_country",
            )
    if VatTreatment.DOMESTIC_REVERSE_CHARGE in needing and valid_vat and prefix != "FI":
        yield doc.problem(
            "customer.vat_number",
            vat_number,
            f"Construction reverse charge needs a Finnish VAT-registered customer, but "
            f"{vat_number!r} is not a Finnish VAT number.",
            "use the customer's FI VAT number, or domestic VAT if the customer is not "
            "VAT-registered in Finland.",
            "reverse_charge_fi_vat",
        )


def _needing_buyer_vat(doc: _Doc) -> list[VatTreatment]:
    return [
        line.vat_treatment
        for line in doc.invoice.lines
        if line.vat_treatment.needs_buyer_vat_number
    ]


def _country(doc: _Doc) -> str:
    return doc.invoice.customer.address.country.strip().upper()


def _check_lines(doc: _Doc) -> Iterator[Problem]:  # §6.9–11, §6.13, §6.15, §6.24, §6.27
    for index, line in enumerate(doc.invoice.lines):
        path = _line_path(index)
        yield from _check_rate(doc, path, line)
        yield from _check_line_amounts(doc, path, line)
        yield from _check_unit(doc, path, line)
        if len(line.description) > _MAX_DESCRIPTION_LENGTH:
            yield doc.problem(
                f"{path}.description",
                line.description,
                f"Line description is {len(line.description)} characters; it will be cut to "
                f"{_MAX_DESCRIPTION_LENGTH}.",
                f"shorten it to {_MAX_DESCRIPTION_LENGTH} characters, or move the details to the "
                "invoice notes.",
                "line_description_length",
                Severity.WARNING,
            )


def _check_rate(doc: _Doc, path: str, line: InvoiceLine) -> Iterator[Problem]:
    rate, treatment = line.vat_rate, line.vat_treatment
    if treatment is VatTreatment.DOMESTIC:
        if rate <= 0:
            yield doc.problem(
                f"{path}.vat_rate",
                _pct(rate),
                f"A domestic sale must have VAT above 0 %, but the rate is {_pct(rate)} %.",
                "use the product's VAT rate, or the treatment that makes it 0 % (export, EU sale, "
                "exempt…) with its reason.",
                "vat_rate_for_treatment",
            )
        else:
            yield from _check_rate_on_date(doc, path, line)
        return
    if rate != 0:
        name = _SALE_NAMES[treatment]
        yield doc.problem(
            f"{path}.vat_rate",
            _pct(rate),
            f"{_sentence(name)[:-1]} must have 0 % VAT, but the rate is {_pct(rate)} %.",
            "set the rate to 0 %, or use domestic treatment if Finnish VAT is charged.",
            "vat_rate_for_treatment",
        )
    if treatment is not VatTreatment.NO_VAT and _blank(line.vat_exemption_reason):
        yield doc.problem(
            f"{path}.vat_exemption_reason",
            None,
            f"The line is {_SALE_NAMES[treatment]} at 0 % VAT but gives no reason.",
            f"add the basis, e.g. {_BASIS_EXAMPLES[treatment]}.",
            "zero_rate_basis",
        )


def _check_rate_on_date(doc: _Doc, path: str, line: InvoiceLine) -> Iterator[Problem]:
    rate, day = line.vat_rate, doc.invoice.line_supply_date(line)
    if day < VAT_BEGAN or is_valid_rate(rate, day):
        return  # a date before VAT is reported as a wrong date, not as a wrong rate
    replacement = replacement_for(rate, day)
    if replacement is None:
        valid = ", ".join(f"{_pct(r)} %" for r in sorted(rates_on(day), reverse=True))
        message = f"{_pct(rate)} % is not a Finnish VAT rate on supply date {day}."
        fix = f"use one of {valid}."
    else:
        message = f"{_pct(rate)} % is not valid for supply date {day}."
        fix = f"use {_pct(replacement)} %."
        if doc.is_credit_note and replacement > rate:
            # A credit note keeps the rate of the supply it credits.
            fix = (
                f"use {_pct(replacement)} %; or, if this credits a supply made while "
                f"{_pct(rate)} % applied, set the line's supply date to that delivery date."
            )
    yield doc.problem(f"{path}.vat_rate", _pct(rate), message, fix, "vat_rate_on_supply_date")


def _check_line_amounts(doc: _Doc, path: str, line: InvoiceLine) -> Iterator[Problem]:
    for field, value in (("quantity", line.quantity), ("unit_price", line.unit_price)):
        if not value.is_finite() or abs(value) >= _LARGEST:
            yield doc.problem(
                f"{path}.{field}",
                value,
                f"{field.replace('_', ' ').capitalize()} {_num(value)} is not a sensible amount "
                f"(at most {_num(_LARGEST)} is taken).",
                "correct the number in the ERP; it is likely a typing or unit error.",
                "amount_magnitude",
            )
            return
    if not ZERO <= line.discount_percent <= HUNDRED:
        yield doc.problem(
            f"{path}.discount_percent",
            line.discount_percent,
            f"Discount {_pct(line.discount_percent)} % is not between 0 and 100 %.",
            "give the discount as a percentage from 0 to 100, or put a credit line instead.",
            "discount_range",
        )
    if line.quantity == 0 and line.net_amount not in (None, ZERO):
        yield doc.problem(
            f"{path}.quantity",
            line.quantity,
            f"The line has quantity 0 but a total of {_num(line.net_amount or ZERO)}.",
            "give the quantity the total is for, or remove the line.",
            "zero_quantity_amount",
        )
    if _decimals(line.unit_price) > 5:
        yield doc.problem(
            f"{path}.unit_price",
            line.unit_price,
            f"Unit price {_num(line.unit_price)} has more than 5 decimals.",
            "round the unit price to at most 5 decimals.",
            "unit_price_decimals",
        )
    if line.net_amount is None:
        return
    if _decimals(line.net_amount) > 2:
        yield doc.problem(
            f"{path}.net_amount",
            line.net_amount,
            f"Line total {_num(line.net_amount)} has more than 2 decimals.",
            "round the line total to cents.",
            "amount_decimals",
        )
    computed = line.computed_net
    if abs(line.net_amount - computed) > CENT:
        discount = " − discount" if line.discount_percent else ""
        yield doc.problem(
            f"{path}.net_amount",
            line.net_amount,
            f"Line total {_num(line.net_amount)} ≠ quantity × price{discount} "
            f"({_money(computed)}).",
            "correct the line total, or the quantity, unit price or discount it comes from.",
            "line_net_amount",
        )


def _check_unit(doc: _Doc, path: str, line: InvoiceLine) -> Iterator[Problem]:
    error = unit_error(line.unit)
    if error:
        hint = NOT_REC20.get(line.unit.strip().upper())
        message = (
            f"Unit {line.unit!r} is not a UN/ECE Rec 20 code (EN 16931 refuses it)."
            if hint
            else _sentence(error)
        )
        yield doc.problem(
            f"{path}.unit",
            line.unit,
            message,
            f"use {hint}."
            if hint
            else "use a UN/ECE Rec 20 code (e.g. H87 piece, HUR hour, "
            "KGM kilogram) or add the ERP's unit to the unit mapping.",
            "unit_code",
        )


def _check_aland(doc: _Doc) -> Iterator[Problem]:  # §6.12
    address = doc.invoice.customer.address
    country = address.country.strip().upper()
    postal_code = (address.postal_code or "").strip()
    in_aland = country == "AX" or (
        country == "FI" and _ALAND_POSTCODE.fullmatch(postal_code) is not None
    )
    domestic = [line for line in doc.invoice.lines if line.vat_treatment is VatTreatment.DOMESTIC]
    if not (in_aland and domestic):
        return
    field, value, where = (
        ("customer.address.country", country, "country AX")
        if country == "AX"
        else ("customer.address.postal_code", postal_code, f"postal code {postal_code}")
    )
    yield doc.problem(
        field,
        value,
        f"Customer is in Åland ({where}): use export (0 %), not domestic VAT "
        f"({len(domestic)} line(s) are domestic).",
        "change those lines to export with a basis such as 'Vienti, AVL 70 §', unless the sale "
        "is made within Åland.",
        "aland_customer",
        Severity.WARNING,
    )


def _check_totals(doc: _Doc) -> Iterator[Problem]:  # §6.14, §6.15
    invoice = doc.invoice
    stated_vat = invoice.stated_vat
    if stated_vat is not None:
        computed = {summary.rate: summary.vat for summary in invoice.vat_breakdown()}
        # An ERP that rounds each line's VAT (Odoo's default) may be off by more than a cent
        # from the per-rate figure on a long invoice; its own figure is exact, not wrong.
        per_line = invoice.vat_rounded_per_line()
        # Decimal keys compare by value, so 25.50 in the ERP finds 25.5 from the lines.
        for rate in sorted(set(computed) | set(stated_vat), reverse=True):
            ours, theirs = computed.get(rate, Decimal(0)), stated_vat.get(rate)
            field = f"stated_vat[{_pct(rate)}]"
            if theirs is None:
                if ours:
                    yield doc.problem(
                        field,
                        None,
                        f"VAT at {_pct(rate)} % is missing in the ERP's figures but "
                        f"{_money(ours)} from the lines.",
                        "state the VAT of every rate, computed from the summed line nets.",
                        "vat_per_rate",
                    )
                continue
            if _decimals(theirs) > 2:
                yield doc.problem(
                    field,
                    theirs,
                    f"VAT at {_pct(rate)} % ({_num(theirs)}) has more than 2 decimals.",
                    "round VAT amounts to cents.",
                    "amount_decimals",
                )
            if abs(theirs - ours) > CENT and theirs != per_line.get(rate):
                yield doc.problem(
                    field,
                    theirs,
                    f"VAT at {_pct(rate)} % is {_num(theirs)} in the ERP but {_money(ours)} from "
                    "the lines.",
                    "compute VAT per rate from the summed line nets, rounded half-up (not per "
                    "line), or correct the lines.",
                    "vat_per_rate",
                )
    if invoice.stated_total is None:
        return
    total = invoice.stated_total
    if _decimals(total) > 2:
        yield doc.problem(
            "stated_total",
            total,
            f"Invoice total {_num(total)} has more than 2 decimals.",
            "round the total to cents.",
            "amount_decimals",
        )
    net = invoice.net_total
    if stated_vat is not None:  # the ERP's own figures must add up exactly
        vat = sum(stated_vat.values(), Decimal(0))
        wrong = total != net + vat
    else:  # either way of rounding VAT is the ERP's right
        vat = invoice.vat_total
        line_vat = sum(invoice.vat_rounded_per_line().values(), Decimal(0))
        wrong = abs(total - (net + vat)) > CENT and total != net + line_vat
    if wrong:
        yield doc.problem(
            "stated_total",
            total,
            f"Invoice total does not add up ({_money(invoice.net_total)} + {_money(vat)} ≠ "
            f"{_num(total)}).",
            "correct the total, or the lines and VAT it comes from.",
            "total_mismatch",
        )


def _check_currency(doc: _Doc) -> Iterator[Problem]:  # §6.16
    invoice = doc.invoice
    currency = invoice.currency.strip()
    if currency not in ISO_4217_CURRENCIES:
        known = currency.upper() in ISO_4217_CURRENCIES
        yield doc.problem(
            "currency",
            invoice.currency,
            f"Currency {invoice.currency!r} is "
            + ("not written in capitals." if known else "not an ISO 4217 currency code."),
            f"use {currency.upper()!r}." if known else "use a code such as EUR, SEK or USD.",
            "currency_code",
        )
        return
    rate = invoice.exchange_rate
    if currency != "EUR" and (rate is None or rate <= 0):
        yield doc.problem(
            "exchange_rate",
            rate,
            f"{currency} invoice must also state VAT in euros, but the exchange rate is "
            + ("missing." if rate is None else f"{_num(rate)}."),
            f"give the exchange rate ({currency} per euro) of the invoice date.",
            "exchange_rate",
        )


def _check_payment_reference(doc: _Doc) -> Iterator[Problem]:  # §6.17
    reference = doc.invoice.payment_reference
    if _blank(reference):
        return  # generated when absent
    error = reference_error(reference or "")
    if error:
        yield doc.problem(
            "payment_reference",
            reference,
            _sentence(error),
            "correct the reference in the ERP, or leave it empty and one is generated.",
            "payment_reference",
        )


def _check_credit(doc: _Doc) -> Iterator[Problem]:  # §6.20, §6.21
    invoice, known = doc.invoice, doc.context.known_invoices
    gross = invoice.gross_total
    if not doc.is_credit_note:
        if gross < 0:
            yield doc.problem(
                "gross_total",
                gross,
                f"Sales invoice total is negative ({_money(gross)}).",
                "send it as a credit note that names the invoice it credits.",
                "sales_invoice_negative",
            )
        return
    credited = (invoice.credited_invoice_number or "").strip()
    if not credited:
        yield doc.problem(
            "credited_invoice_number",
            None,
            "Credit note must name the invoice it credits (missing).",
            "add the number and date of the original invoice.",
            "credited_invoice_missing",
        )
    elif known and credited not in known:
        yield doc.problem(
            "credited_invoice_number",
            credited,
            f"Credit note must name the invoice it credits: invoice {credited!r} is unknown.",
            "check the number of the original invoice; it must be one the hub has sent.",
            "credited_invoice_unknown",
        )
    credited_date = invoice.credited_invoice_date
    if credited_date is not None and credited_date > invoice.invoice_date:
        yield doc.problem(
            "credited_invoice_date",
            credited_date,
            f"The credited invoice's date {credited_date} is after the credit note's date "
            f"{invoice.invoice_date}.",
            "use the date of the original invoice.",
            "credited_invoice_date",
        )
    if gross >= 0:
        yield doc.problem(
            "gross_total",
            gross,
            f"Credit note total is {_money(gross)}; a credit note must be negative.",
            "give the credit note's lines negative quantities (unit prices stay positive).",
            "credit_note_not_negative",
            Severity.WARNING,
        )
    elif credited in known and -gross > abs(known[credited]):
        yield doc.problem(
            "gross_total",
            gross,
            f"Credit note ({_money(gross)}) is larger than the invoice it credits "
            f"({_money(abs(known[credited]))}).",
            "check the quantities: a credit note cannot credit more than the original invoice.",
            "credit_note_exceeds_original",
            Severity.WARNING,
        )


def _check_customer_address(doc: _Doc) -> Iterator[Problem]:  # §6.22
    customer = doc.invoice.customer
    if _blank(customer.name):
        yield doc.problem(
            "customer.name",
            None,
            "Customer name is missing.",
            "add the customer's name in the ERP.",
            "customer_address",
        )
    address = customer.address
    parts = (
        ("street", address.street, "street address"),
        ("postal_code", address.postal_code, "postal code"),
        ("city", address.city, "city"),
        ("country", address.country, "country"),
    )
    for attribute, value, label in parts:
        if _blank(value):
            yield doc.problem(
                f"customer.address.{attribute}",
                None,
                f"Customer address is incomplete: {label} missing.",
                f"add the customer's {label} in the ERP.",
                "customer_address",
            )
    country = address.country.strip()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        yield doc.problem(
            "customer.address.country",
            address.country,
            f"Customer country {address.country!r} is not a two-letter ISO 3166 code.",
            "use a code such as FI, SE, DE or AX.",
            "customer_address",
        )


def _check_einvoice(doc: _Doc) -> Iterator[Problem]:  # §6.23
    customer = doc.invoice.customer
    address = (customer.einvoice_address or "").strip()
    if doc.invoice.channel is not DeliveryChannel.EINVOICE and not address:
        return
    if not address:
        yield doc.problem(
            "customer.einvoice_address",
            None,
            "E-invoice address is missing, but the document is to be sent as an e-invoice.",
            "add the customer's e-invoice address (OVT, e.g. 003720774740) and operator, or "
            "choose another delivery channel.",
            "einvoice_address",
        )
    else:
        error = einvoice_address_error(address)
        if error:
            yield doc.problem(
                "customer.einvoice_address",
                address,
                _sentence(error),
                "use 0037 + the customer's business ID digits (+ up to 5 characters), or an "
                "IBAN for a consumer's bank e-invoice.",
                "einvoice_address",
            )
    operator = (customer.einvoice_operator or "").strip()
    known = doc.context.known_operators
    if not operator:
        yield doc.problem(
            "customer.einvoice_operator",
            None,
            "E-invoice operator is missing.",
            "add the operator ID that goes with the customer's e-invoice address (e.g. "
            "003723327487 for Apix, or the bank's BIC).",
            "einvoice_operator",
        )
    elif known is not None and _op_key(operator) not in {_op_key(k) for k in known}:
        yield doc.problem(
            "customer.einvoice_operator",
            operator,
            f"Operator {operator!r} is unknown.",
            "check the operator ID against the TIEKE operator list, or add it to the known "
            "operators.",
            "einvoice_operator_unknown",
        )


def _op_key(operator: str) -> str:
    return re.sub(r"\s", "", operator).upper()


def _check_name_lengths(doc: _Doc) -> Iterator[Problem]:  # §6.27
    customer = doc.invoice.customer
    for finding in _name_length("customer.name", "Customer", customer.name):
        yield finding.told_of(doc.label)
    check = doc.seller_check
    for finding in check.name if check is not None else ():
        yield finding.told_of(doc.label)


def _name_length(field: str, who: str, name: str) -> Iterator[_Finding]:
    low, high = _NAME_LENGTH
    length = len(name.strip())
    if length == 0 or low <= length <= high:
        return
    if length > high:
        message = f"{who} name is {length} characters; it will be cut to {high}."
        fix = f"use a name of at most {high} characters (e.g. without the department)."
    else:
        message = f"{who} name {name!r} is {length} character; at least {low} are needed."
        fix = "use the full name."
    yield _Finding(field, name, message, fix, "name_length", Severity.WARNING)


_CHECKS: tuple[Callable[[_Doc], Iterator[Problem]], ...] = (
    _check_number,
    _check_dates,
    _check_seller,
    _check_customer_business_id,
    _check_customer_vat_number,
    _check_eu_sale,
    _check_lines,
    _check_aland,
    _check_totals,
    _check_currency,
    _check_payment_reference,
    _check_credit,
    _check_customer_address,
    _check_einvoice,
    _check_name_lengths,
)
