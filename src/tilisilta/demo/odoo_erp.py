"""The demo's ERP: the demo batch entered into the Odoo sandbox as a user of Odoo would have.

Customers, products and units are created as needed, each invoice is created and posted in date
order (so Odoo numbers them), and credit notes reverse their invoices. What the demo batch gets
wrong on purpose is entered just as wrong: an old 24 % tax still configured, a mistyped business
ID, a due date before the invoice date, a mistyped reference, an EU sale without a VAT number.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tilisilta.domain.documents import VatTreatment
from tilisilta.sandbox.odoo.orm import Registry, SeedInfo
from tilisilta.sandbox.odoo.orm.scenarios import attach_invoice_pdf

# UN/ECE unit → the Odoo unit name the demo company uses for it.
UNIT_NAMES = {
    "C62": "Units",
    "H87": "kpl",
    "SET": "sarja",
    "MON": "kk",
    "DAY": "Days",
    "HUR": "Hours",
    "KGM": "kg",
}
TREATMENT_TAXES = {
    VatTreatment.EU_GOODS: "eu_goods",
    VatTreatment.EU_SERVICES: "eu_services",
    VatTreatment.EXPORT: "export",
    VatTreatment.DOMESTIC_REVERSE_CHARGE: "reverse_charge_construction",
}
DOMESTIC_TAXES = {
    Decimal("25.5"): "sale_25_5",
    Decimal("13.5"): "sale_13_5",
    Decimal(10): "sale_10",
}
INCOME_ACCOUNTS = {"eu_goods": "sales_eu", "eu_services": "sales_eu", "export": "sales_export"}
PDF_EVERY = 5  # every fifth invoice has its printed PDF attached in Odoo


class DemoErp:
    """Enters canonical demo invoices (the import format) into one seeded Odoo company."""

    def __init__(self, registry: Registry, seed: SeedInfo) -> None:
        self.reg = registry
        self.seed = seed
        self.context = {"allowed_company_ids": [seed.company_id]}
        self._partners: dict[str, int] = {}
        self._products: dict[str, int] = {}
        self._units: dict[str, int] = {}
        self._countries: dict[str, int] = dict(seed.countries)
        self._taxes: dict[str, int] = dict(seed.taxes)
        self._moves: dict[str, int] = {}

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.reg.call(model, method, *args, context=self.context, **kwargs)

    def enter(self, invoices: list[dict[str, Any]]) -> dict[str, int]:
        """Create and post every invoice; returns the batch's number → Odoo move id."""
        for position, doc in enumerate(invoices):
            move_id = self._invoice(doc)
            self.call("account.move", "action_post", [move_id])
            self._moves[doc["number"]] = move_id
            if doc["kind"] == "sales_invoice" and position % PDF_EVERY == 0:
                attach_invoice_pdf(self.reg, move_id)
        self._moves["two taxes"] = self._two_taxes(invoices[0])
        return dict(self._moves)

    def _two_taxes(self, like: dict[str, Any]) -> int:
        """A mistake only an ERP can make: a row with two VAT taxes. The hub does not take it."""
        line = dict(like["lines"][0])
        values = self._line(line)
        values["tax_ids"] = [(6, 0, [self._taxes["sale_25_5"], self._taxes["sale_13_5"]])]
        move_id = int(
            self.call(
                "account.move",
                "create",
                {
                    "move_type": "out_invoice",
                    "partner_id": self._partner(like["customer"]),
                    "company_id": self.seed.company_id,
                    "invoice_date": like["invoice_date"],
                    "invoice_line_ids": [(0, 0, values)],
                },
            )
        )
        self.call("account.move", "action_post", [move_id])
        return move_id

    # -- records ----------------------------------------------------------------------------
    def _invoice(self, doc: dict[str, Any]) -> int:
        refund = doc["kind"] == "credit_note"
        customer = doc["customer"]
        treatments = {line.get("vat_treatment", "domestic") for line in doc["lines"]}
        values: dict[str, Any] = {
            "move_type": "out_refund" if refund else "out_invoice",
            "partner_id": self._partner(customer),
            "company_id": self.seed.company_id,
            "invoice_date": doc["invoice_date"],
            "invoice_date_due": doc["due_date"],
            "invoice_line_ids": [(0, 0, self._line(line)) for line in doc["lines"]],
        }
        if "eu_goods" in treatments or "eu_services" in treatments:
            values["fiscal_position_id"] = self.seed.fiscal_positions["eu"]
        elif "export" in treatments:
            values["fiscal_position_id"] = self.seed.fiscal_positions["export"]
        if doc.get("payment_reference"):
            values["payment_reference"] = doc["payment_reference"]
        if doc.get("buyer_reference"):
            values["ref"] = doc["buyer_reference"]
        if doc.get("order_reference"):
            values["invoice_origin"] = doc["order_reference"]
        if doc.get("notes"):
            values["narration"] = doc["notes"]
        credited = doc.get("credited_invoice_number")
        if refund and credited in self._moves:
            values["reversed_entry_id"] = self._moves[credited]
        return int(self.call("account.move", "create", values))

    def _line(self, line: dict[str, Any]) -> dict[str, Any]:
        # Odoo keeps credit-note quantities positive; the move type says which way they go.
        quantity = abs(Decimal(str(line["quantity"])))
        values: dict[str, Any] = {
            "name": line["description"],
            "quantity": float(quantity),
            "price_unit": float(Decimal(str(line["unit_price"]))),
            "discount": float(Decimal(str(line.get("discount_percent", 0)))),
            "product_uom_id": self._unit(line.get("unit", "C62")),
            "tax_ids": [(6, 0, [self._tax(line)])],
            "account_id": self.seed.accounts[
                INCOME_ACCOUNTS.get(str(line.get("vat_treatment")), "sales")
            ],
        }
        if line.get("product_code"):
            values["product_id"] = self._product(line)
        return values

    def _tax(self, line: dict[str, Any]) -> int:
        treatment = VatTreatment(line.get("vat_treatment", "domestic"))
        rate = Decimal(str(line["vat_rate"]))
        key = TREATMENT_TAXES.get(treatment) or DOMESTIC_TAXES.get(rate)
        if key is None:  # an old rate still configured in Odoo, e.g. 24 % from before 9/2024
            key = f"old_{rate}"
            if key not in self._taxes:
                # Made in Odoo as a copy of the current general rate, as a person would.
                copied = self.call(
                    "account.tax",
                    "copy",
                    [self.seed.taxes["sale_25_5"]],
                    {"name": f"{rate} % (vanha)", "amount": float(rate)},
                )
                self._taxes[key] = int(copied[0] if isinstance(copied, list) else copied)
        return self._taxes[key]

    def _partner(self, party: dict[str, Any]) -> int:
        key = party.get("customer_number") or party["name"]
        if key in self._partners:
            return self._partners[key]
        address = party.get("address") or {}
        country = address.get("country", "FI")
        values: dict[str, Any] = {
            "name": party["name"],
            "is_company": True,
            "customer_rank": 1,
            "company_id": self.seed.company_id,
            "street": address.get("street") or False,
            "zip": address.get("postal_code") or False,
            "city": address.get("city") or False,
            "country_id": self._country(country),
            "email": party.get("email") or False,
            "lang": {"fi": "fi_FI", "sv": "sv_SE"}.get(party.get("language", "fi"), "en_US"),
            "ref": party.get("customer_number") or False,
            "vat": party.get("vat_number") or False,
        }
        if country == "FI" and party.get("business_id"):
            values["company_registry"] = party["business_id"]
        self._partners[key] = int(self.call("res.partner", "create", values))
        return self._partners[key]

    def _product(self, line: dict[str, Any]) -> int:
        code = line["product_code"]
        if code not in self._products:
            template = int(
                self.call(
                    "product.template",
                    "create",
                    {
                        "name": line["description"],
                        "default_code": code,
                        "list_price": float(Decimal(str(line["unit_price"]))),
                        "uom_id": self._unit(line.get("unit", "C62")),
                        "company_id": self.seed.company_id,
                        "sale_ok": True,
                        "taxes_id": [(6, 0, [self._tax(line)])],
                        **(
                            {"uom_po_id": self._unit(line.get("unit", "C62"))}
                            if self.reg.version <= 18
                            else {}
                        ),
                    },
                )
            )
            read = self.call("product.template", "read", [template], ["product_variant_id"])
            self._products[code] = int(read[0]["product_variant_id"][0])
        return self._products[code]

    def _unit(self, code: str) -> int:
        name = UNIT_NAMES.get(code, code)
        if name not in self._units:
            found = self.call("uom.uom", "search", [("name", "=", name)])
            if found:
                self._units[name] = int(found[0])
            else:
                values: dict[str, Any] = {"name": name}
                if self.reg.version <= 18:
                    unit = self.call("uom.uom", "read", [self.seed.uoms["units"]], ["category_id"])
                    values.update(
                        category_id=unit[0]["category_id"][0],
                        uom_type="bigger",
                        factor=1.0,
                        rounding=0.01,
                    )
                else:
                    values["relative_factor"] = 1.0
                self._units[name] = int(self.call("uom.uom", "create", values))
        return self._units[name]

    def _country(self, code: str) -> int:
        if code not in self._countries:
            found = self.call("res.country", "search", [("code", "=", code)])
            self._countries[code] = (
                int(found[0])
                if found
                else int(self.call("res.country", "create", {"name": code, "code": code}))
            )
        return self._countries[code]
