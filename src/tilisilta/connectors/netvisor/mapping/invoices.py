"""Canonical invoice → Netvisor ``salesinvoice`` (elements in the order of salesinvoice.dtd),
and what Netvisor needs of an invoice beyond the domain rules. Pure: no I/O."""

from __future__ import annotations

from decimal import Decimal

from tilisilta.connectors.netvisor.client.wire import Element, node, optional, tree
from tilisilta.connectors.netvisor.options import NetvisorOptions, ProductIdentification
from tilisilta.domain.documents import Invoice, InvoiceKind, InvoiceLine, Party
from tilisilta.domain.validation import Problem, document_label
from tilisilta.fixes import fix

# Each VAT code and the rates it goes with (reference domain.md: the code must agree with the
# percentage; KOMY is the only taxed sales code, the others are 0 %).
ZERO_RATED_CODES = frozenset({"RAMY", "EUMY", "EUPM312", "EUPM309", "EUUM", "MUUL", "NONE"})
TAXED_CODES = frozenset({"KOMY"})
VAT_CODES = frozenset(
    {
        "NONE",
        "KOOS",
        "EUOS",
        "EUUO",
        "EUPO",
        "100",
        "KOMY",
        "EUMY",
        "EUUM",
        "EUPM312",
        "EUPM309",
        "MUUL",
        "EVTO",
        "EVPO",
        "EVKV",
        "KAVE",
        "RAMY",
        "RAOS",
        "EVRO",
        "MAAL",
        "EVMA",
        "KOMY0",
    }
)  # the enum of salesinvoice.dtd (2024)
NAME_LENGTH = 200  # product names are cut to 200 characters, as the ERP add-ons do


def customer_code(party: Party) -> str:
    """The customer's code in Netvisor: its customer number, else the ERP's own key."""
    return (party.customer_number or "").strip() or party.ref


def product_code(line: InvoiceLine, options: NetvisorOptions) -> str | None:
    if options.product_identification is ProductIdentification.GENERIC:
        return options.generic_product_code
    return line.product_code


def check_invoice(invoice: Invoice, options: NetvisorOptions, connection: str) -> list[Problem]:
    label = document_label(invoice)
    problems: list[Problem] = []

    def add(field: str, value: str | None, message: str, advice: str, rule: str) -> None:
        problems.append(
            Problem(
                document=label, field=field, value=value, message=message, fix=advice, rule=rule
            )
        )

    if invoice.total == 0:
        add(
            "stated_total",
            "0.00",
            "The invoice totals zero; Netvisor does not take zero-sum invoices.",
            "leave it out of the sending, or correct its rows in the ERP.",
            "netvisor_zero_sum",
        )
    for number, line in enumerate(invoice.lines, start=1):
        treatment = line.vat_treatment.value
        code = options.vat_codes.get(treatment)
        if code is None:
            add(
                f"lines[{number}].vat_treatment",
                treatment,
                f"No Netvisor VAT code is mapped for '{treatment}'.",
                "map it with "
                + fix("connection.set", connection=connection, setting=f"vat_codes.{treatment}")
                + ".",
                "netvisor_vat_code",
            )
        elif code not in VAT_CODES:
            add(
                f"lines[{number}].vat_treatment",
                code,
                f"'{code}' is not a Netvisor VAT code.",
                "map the treatment to one of " + ", ".join(sorted(VAT_CODES)) + ".",
                "netvisor_vat_code",
            )
        elif (code in TAXED_CODES) != (line.vat_rate != 0):
            rate = f"{line.vat_rate.normalize():f}"
            add(
                f"lines[{number}].vat_rate",
                rate,
                f"VAT code {code} does not go with {rate} %: Netvisor takes KOMY for taxed "
                "sales and the 0 % codes only at 0 %.",
                "correct the line's tax in the ERP, or the VAT code mapping.",
                "netvisor_vat_code_rate",
            )
        if product_code(line, options) is None:
            add(
                f"lines[{number}].product_code",
                None,
                "The row has no product code; Netvisor names every row's product.",
                "give the product a code (internal reference) in the ERP, or let rows use one "
                "generic product: "
                + fix(
                    "connection.set",
                    connection=connection,
                    setting="product_identification",
                    value="generic",
                )
                + ".",
                "netvisor_product_code",
            )
    return problems


def sales_invoice(invoice: Invoice, options: NetvisorOptions) -> Element:
    """The ``salesinvoice`` element of a ``salesinvoice.nv?method=add``."""
    customer = invoice.customer
    address = customer.address
    credit = invoice.kind is InvoiceKind.CREDIT_NOTE
    before = (
        f"Hyvityslasku laskulle {invoice.credited_invoice_number}"
        if credit and invoice.credited_invoice_number
        else None
    )
    return tree(
        "salesinvoice",
        [
            node("salesinvoicenumber", invoice.number),
            node("salesinvoicedate", invoice.invoice_date, format="ansi"),
            optional("salesinvoiceeventdate", invoice.supply_date),
            node("salesinvoiceduedate", invoice.due_date, format="ansi"),
            optional("salesinvoicereferencenumber", invoice.payment_reference),
            node(
                "salesinvoiceamount",
                _cents(invoice.total),
                iso4217currencycode=invoice.currency,
                currencyrate=_rate(invoice),
                pricetype="customer" if invoice.currency != "EUR" else None,
            ),
            node("invoicetype", "invoice"),
            node("salesinvoicestatus", options.invoice_status.value, type="netvisor"),
            optional("salesinvoicefreetextbeforelines", before),
            optional("salesinvoicefreetextafterlines", invoice.notes),
            optional("salesinvoiceourreference", invoice.order_reference),
            optional("salesinvoiceyourreference", invoice.buyer_reference),
            node("invoicingcustomeridentifier", customer_code(customer), type="customer"),
            node("invoicingcustomername", customer.name),
            optional("invoicingcustomeraddressline", address.street),
            optional("invoicingcustomerpostnumber", address.postal_code),
            optional("invoicingcustomertown", address.city),
            node("invoicingcustomercountrycode", address.country.upper(), type="ISO-3166"),
            tree("invoicelines", [_line(invoice, line, options) for line in invoice.lines]),
        ],
    )


def _line(invoice: Invoice, line: InvoiceLine, options: NetvisorOptions) -> Element:
    code = product_code(line, options)
    vat_code = options.vat_codes[line.vat_treatment.value]
    product = tree(
        "salesinvoiceproductline",
        [
            node("productidentifier", code, type="customer"),
            node("productname", line.description[:NAME_LENGTH]),
            # Credit notes keep a positive price and a negative quantity, as Netvisor wants.
            node("productunitprice", line.unit_price, type="net"),
            node("productvatpercentage", line.vat_rate.normalize(), vatcode=vat_code),
            node("salesinvoiceproductlinequantity", line.quantity.normalize()),
            optional(
                "salesinvoiceproductlinediscountpercentage",
                line.discount_percent.normalize() if line.discount_percent else None,
            ),
            optional("accountingaccountsuggestion", line.account),
            *[
                tree("dimension", [node("dimensionname", name), node("dimensionitem", item)])
                for name, item in sorted(line.dimensions.items())
            ],
        ],
    )
    return tree("invoiceline", [product])


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"))


def _rate(invoice: Invoice) -> str | None:
    if invoice.currency == "EUR" or invoice.exchange_rate is None:
        return None
    return format(invoice.exchange_rate.normalize(), "f").replace(".", ",")
