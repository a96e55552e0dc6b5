"""Odoo records → canonical documents. Pure: the flows read the records, this maps them.

Amounts arrive as floats (Odoo's JSON); they are read through ``str`` so 12.3 stays 12.30, then
rounded to cents. Credit notes carry negative quantities, as the canonical documents want.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from tilisilta.connectors.odoo.mapping.units import OdooUnit, rec20_code
from tilisilta.domain.documents import (
    Address,
    FileCopy,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    Party,
    VatTreatment,
)
from tilisilta.domain.identifiers import business_id_error, normalize_business_id
from tilisilta.domain.money import round_money
from tilisilta.domain.references import reference_error
from tilisilta.fixes import fix

INVOICE_TYPES = ("out_invoice", "out_refund")

# Words in a 0 % tax's name that tell which VAT treatment it stands for, most specific first.
TREATMENT_WORDS: tuple[tuple[VatTreatment, tuple[str, ...]], ...] = (
    (VatTreatment.EU_SERVICES, ("eu service", "eu-palvelu", "eu palvelu", "services eu")),
    (
        VatTreatment.EU_GOODS,
        ("eu goods", "eu tavara", "intra-community", "intra community", "yhteisömyynti"),
    ),
    (VatTreatment.DOMESTIC_REVERSE_CHARGE, ("construction", "rakentamis", "rakennus")),
    (VatTreatment.EXPORT, ("export", "vienti", "outside eu", "non-eu")),
    (VatTreatment.EXEMPT, ("exempt", "veroton", "verovapaa")),
)


class MappingFailed(ValueError):
    """The Odoo record cannot become a canonical document; ``problems`` say why and how to fix."""

    def __init__(self, label: str, problems: list[str]) -> None:
        super().__init__(f"{label}: " + "; ".join(problems))
        self.label = label
        self.problems = problems


@dataclass(frozen=True)
class Catalog:
    """What the mapping looks up by id: read once per pull, not per invoice."""

    taxes: Mapping[int, Mapping[str, Any]]
    countries: Mapping[int, str]  # id → ISO code
    products: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)
    tax_treatments: Mapping[str, VatTreatment] = field(default_factory=dict)  # tax id → override
    units: Mapping[str, str] = field(default_factory=dict)  # Odoo unit name → Rec 20 code
    odoo_units: Mapping[int, OdooUnit] = field(default_factory=dict)  # uom id → what Odoo says


def decimal(value: Any) -> Decimal:
    if value is False or value is None:
        return Decimal(0)
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def m2o_id(value: Any) -> int | None:
    """A many2one as read: ``[id, name]`` or ``False``."""
    if isinstance(value, list | tuple) and value:
        return int(value[0])
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def m2o_name(value: Any) -> str | None:
    if isinstance(value, list | tuple) and len(value) > 1:
        return str(value[1])
    return None


def text(value: Any) -> str | None:
    """Odoo reads an empty field as ``False``."""
    if value is False or value is None:
        return None
    result = str(value).strip()
    return result or None


def parse_date(value: Any) -> date | None:
    found = text(value)
    return date.fromisoformat(found[:10]) if found else None


def tax_treatment(tax: Mapping[str, Any], overrides: Mapping[str, VatTreatment]) -> VatTreatment:
    """The VAT treatment a sales tax stands for; raises ValueError when it cannot be told."""
    override = overrides.get(str(tax["id"]))
    if override is not None:
        return override
    if decimal(tax.get("amount")) > 0:
        return VatTreatment.DOMESTIC
    words = " ".join(
        str(tax.get(key) or "") for key in ("name", "description", "invoice_label")
    ).lower()
    for treatment, markers in TREATMENT_WORDS:
        if any(marker in words for marker in markers):
            return treatment
    raise ValueError(
        f"the 0 % tax {tax.get('name')!r} (id {tax['id']}) does not say which VAT treatment it is; "
        f"map it with {fix('odoo.tax_map', tax=tax['id'])} "
        f"(treatments: {', '.join(t.value for t in VatTreatment)})"
    )


def exemption_reason(tax: Mapping[str, Any]) -> str | None:
    """Why a 0 % line has no VAT, as the tax states it: its label on invoices, else its
    description (HTML in Odoo 17+), else its name."""
    for key in ("invoice_label", "description", "name"):
        value = text(re.sub(r"<[^>]+>", " ", str(tax.get(key) or "")))
        if value:
            return " ".join(value.split())
    return None


def business_id_from(registry: str | None, vat: str | None) -> str | None:
    """A valid Finnish business ID from Odoo's company registry, else from an FI VAT number."""
    if registry and business_id_error(registry) is None:
        return normalize_business_id(registry)
    if vat and vat.upper().startswith("FI") and business_id_error(vat[2:]) is None:
        return normalize_business_id(vat[2:])
    return None


def to_party(partner: Mapping[str, Any], countries: Mapping[int, str]) -> Party:
    """The invoiced company (Odoo's commercial partner) as a canonical party."""
    registry = text(partner.get("company_registry"))
    vat = text(partner.get("vat"))
    country_id = m2o_id(partner.get("country_id"))
    country = countries.get(country_id, "FI") if country_id else "FI"
    if registry and country == "FI" and business_id_error(registry):
        business_id: str | None = registry  # passed on as it is, for the checks to name it
    else:
        business_id = business_id_from(registry if country == "FI" else None, vat)
    street = " ".join(s for s in (text(partner.get("street")), text(partner.get("street2"))) if s)
    lang = text(partner.get("lang")) or "fi_FI"
    return Party(
        ref=f"odoo:{partner['id']}",
        name=text(partner.get("name")) or f"Odoo partner {partner['id']}",
        business_id=business_id,
        vat_number=vat,
        customer_number=text(partner.get("ref")),
        address=Address(
            street=street or None,
            postal_code=text(partner.get("zip")),
            city=text(partner.get("city")),
            country=country,
        ),
        email=text(partner.get("email")),
        language=lang.split("_")[0].lower(),
    )


def to_line(
    line: Mapping[str, Any], sign: int, catalog: Catalog, position: int
) -> tuple[InvoiceLine | None, list[str]]:
    where = f"line {position}"
    problems: list[str] = []
    tax_ids = list(line.get("tax_ids") or [])
    if len(tax_ids) != 1:
        problems.append(
            f"{where} ({text(line.get('name'))!r}) has {len(tax_ids)} taxes; give it exactly one "
            "sales tax in Odoo"
        )
        return None, problems
    tax = catalog.taxes.get(int(tax_ids[0]))
    if tax is None:
        problems.append(f"{where}: tax id {tax_ids[0]} is not a sales tax of this company")
        return None, problems
    if tax.get("amount_type") not in (None, False, "percent"):
        problems.append(
            f"{where}: tax {tax.get('name')!r} is a {tax.get('amount_type')} tax; only percentage "
            "taxes can be sent"
        )
        return None, problems
    try:
        treatment = tax_treatment(tax, catalog.tax_treatments)
    except ValueError as exc:
        problems.append(f"{where}: {exc}")
        return None, problems
    unit_name = m2o_name(line.get("product_uom_id")) or "Units"
    # The person's mapping first, then what Odoo says the unit is (the name only when unread).
    odoo_unit = catalog.odoo_units.get(m2o_id(line.get("product_uom_id")) or 0)
    unit = catalog.units.get(unit_name) or rec20_code(odoo_unit or OdooUnit(0, unit_name))
    if unit is None:
        says = f" ({odoo_unit.says})" if odoo_unit and odoo_unit.says else ""
        problems.append(
            f"{where}: unit {unit_name!r}{says} has no UN/ECE code; map it with "
            f"{fix('odoo.unit_map', unit=unit_name)}"
        )
        return None, problems
    product_id = m2o_id(line.get("product_id"))
    product = catalog.products.get(product_id) if product_id else None
    code = text(product.get("default_code")) if product else None
    description = text(line.get("name")) or (m2o_name(line.get("product_id")) or "")
    net = decimal(line.get("price_subtotal"))
    return (
        InvoiceLine(
            description=description.splitlines()[0] if description else f"Row {position}",
            product_code=code,
            quantity=sign * decimal(line.get("quantity")),
            unit=unit,
            unit_price=decimal(line.get("price_unit")),
            discount_percent=decimal(line.get("discount")),
            vat_rate=decimal(tax.get("amount")),
            vat_treatment=treatment,
            vat_exemption_reason=exemption_reason(tax) if treatment.zero_rated else None,
            net_amount=round_money(sign * net),
        ),
        problems,
    )


@dataclass(frozen=True)
class MoveRecords:
    """One invoice as read from Odoo: the move, its rows, its partner, its PDF."""

    move: Mapping[str, Any]
    lines: Sequence[Mapping[str, Any]]
    partner: Mapping[str, Any]
    credited: Mapping[str, Any] | None = None  # the invoice a credit note reverses
    pdf: Mapping[str, Any] | None = None  # an ir.attachment with ``name`` and ``datas``


def move_label(move: Mapping[str, Any]) -> str:
    noun = "Credit note" if move.get("move_type") == "out_refund" else "Invoice"
    return f"{noun} {text(move.get('name')) or '/'} (Odoo id {move['id']})"


def to_invoice(records: MoveRecords, catalog: Catalog) -> Invoice:
    """The canonical invoice; raises MappingFailed with every problem found."""
    move = records.move
    label = move_label(move)
    problems: list[str] = []
    refund = move.get("move_type") == "out_refund"
    sign = -1 if refund else 1
    lines: list[InvoiceLine] = []
    product_rows = [
        row for row in records.lines if row.get("display_type") in ("product", False, None)
    ]
    for position, row in enumerate(product_rows, start=1):
        line, found = to_line(row, sign, catalog, position)
        problems.extend(found)
        if line is not None:
            lines.append(line)
    if not product_rows:
        problems.append("it has no product lines")
    invoice_date = parse_date(move.get("invoice_date"))
    if invoice_date is None:
        problems.append("it has no invoice date")
    if problems or invoice_date is None:
        raise MappingFailed(label, problems)
    reference = payment_reference(move)
    credited = records.credited
    pdf = records.pdf
    return Invoice(
        number=str(move["name"]),
        kind=InvoiceKind.CREDIT_NOTE if refund else InvoiceKind.SALES_INVOICE,
        invoice_date=invoice_date,
        due_date=parse_date(move.get("invoice_date_due")) or invoice_date,
        currency=m2o_name(move.get("currency_id")) or "EUR",
        customer=to_party(records.partner, catalog.countries),
        lines=lines,
        payment_reference=reference,
        credited_invoice_number=text(credited.get("name")) if credited else None,
        credited_invoice_date=parse_date(credited.get("invoice_date")) if credited else None,
        order_reference=text(move.get("invoice_origin")),
        buyer_reference=text(move.get("ref")),
        stated_total=round_money(sign * decimal(move.get("amount_total"))),
        pdf=(
            FileCopy(name=_pdf_name(pdf, move), content_base64=str(pdf["datas"]))
            if pdf and text(pdf.get("datas"))
            else None
        ),
    )


def payment_reference(move: Mapping[str, Any]) -> str | None:
    """The Finnish or RF reference the ERP gave; None when Odoo's field holds something else
    (by default the invoice number), so that the hub makes a real one. A reference that looks
    like one but is wrong is kept, for the checks to name it."""
    reference = text(move.get("payment_reference"))
    if reference is None or reference == text(move.get("name")):
        return None
    compact = reference.replace(" ", "")
    looks_like_one = compact.isdigit() or compact.upper().startswith("RF")
    if reference_error(reference) is None or looks_like_one:
        return reference
    return None


def _pdf_name(pdf: Mapping[str, Any], move: Mapping[str, Any]) -> str:
    name = text(pdf.get("name"))
    if name:
        return name
    return re.sub(r"[^\w.-]+", "_", str(move["name"])) + ".pdf"
