"""Data every sandbox database starts with (``install_base_data``: countries, currencies, units
(``uom_data``), the first company, OdooBot and the administrator) and a complete Finnish company
(``seed_finnish_company``: chart of accounts, VAT taxes, fiscal positions, journals, payment
terms, customers, vendors, products, a warehouse and a carrier)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stdnum import ean, iban
from stdnum.fi import ytunnus

from .env import SUPERUSER_ID, Env
from .uom_data import install_uoms, uom_ids

if TYPE_CHECKING:
    from .registry import Registry

EU_COUNTRIES = tuple(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()  # noqa: SIM905
)
COUNTRIES = [
    ("FI", "Finland", 358, "EUR"),
    ("SE", "Sweden", 46, "SEK"),
    ("NO", "Norway", 47, "NOK"),
    ("DK", "Denmark", 45, "DKK"),
    ("EE", "Estonia", 372, "EUR"),
    ("DE", "Germany", 49, "EUR"),
    ("FR", "France", 33, "EUR"),
    ("NL", "Netherlands", 31, "EUR"),
    ("GB", "United Kingdom", 44, "GBP"),
    ("US", "United States", 1, "USD"),
]
CURRENCIES = [
    ("EUR", "€", "Euro"),
    ("USD", "$", "US Dollar"),
    ("SEK", "kr", "Swedish krona"),
    ("NOK", "kr", "Norwegian krone"),
    ("DKK", "kr", "Danish krone"),
    ("GBP", "£", "Pound Sterling"),
]

#: units of each currency per euro (shared rates, from 2025-01-01)
RATES = {"USD": 1.08, "SEK": 11.3, "NOK": 11.6, "DKK": 7.46, "GBP": 0.85}


def install_base_data(registry: Registry) -> None:
    """What a fresh Odoo database holds before any app data: run once by ``Registry``."""
    env = Env(registry, SUPERUSER_ID, {}, su=True)
    currencies = env["res.currency"]
    for code, symbol, label in CURRENCIES:
        currencies.create_records(
            [{"name": code, "symbol": symbol, "full_name": label, "rounding": 0.01}]
        )
    currency_ids = {c: i for i, (c, _, _) in enumerate(CURRENCIES, start=1)}
    for code, rate in RATES.items():
        env["res.currency.rate"].create_records(
            [
                {
                    "currency_id": currency_ids[code],
                    "name": "2025-01-01",
                    "rate": rate,
                    "company_id": False,
                }
            ]
        )
    countries = env["res.country"]
    for code, name, phone, currency in COUNTRIES:
        countries.create_records(
            [
                {
                    "code": code,
                    "name": name,
                    "phone_code": phone,
                    "currency_id": currency_ids[currency],
                }
            ]
        )
    eu_ids = countries.search_ids([("code", "in", list(EU_COUNTRIES))])
    env["res.country.group"].create_records(
        [{"name": "European Union", "country_ids": [(6, 0, eu_ids)]}]
    )
    finland = countries.search_ids([("code", "=", "FI")])[0]
    company = env["res.company"].create_records(
        [{"name": "My Company", "currency_id": currency_ids["EUR"], "country_id": finland}]
    )[0]
    partners = env["res.partner"]
    bot_partner = partners.create_records(
        [{"name": "OdooBot", "email": "odoobot@example.com", "active": False}]
    )[0]
    admin_partner = partners.create_records(
        [{"name": "Mitchell Admin", "email": "admin@example.com", "tz": "Europe/Helsinki"}]
    )[0]
    users = env["res.users"]
    users.create_records(
        [
            {
                "login": "__system__",
                "partner_id": bot_partner,
                "active": False,
                "company_id": company,
                "company_ids": [(6, 0, [company])],
            }
        ]
    )
    users.create_records(
        [
            {
                "login": "admin",
                "partner_id": admin_partner,
                "company_id": company,
                "company_ids": [(6, 0, [company])],
            }
        ]
    )
    registry.set_password(2, "admin")
    install_uoms(env)
    env["product.category"].create_records([{"name": "All"}])
    sequences = env["ir.sequence"]
    sequences.create_records(
        [
            {"name": "Sales Order", "code": "sale.order", "prefix": "S", "padding": 5},
            {"name": "Purchase Order", "code": "purchase.order", "prefix": "P", "padding": 5},
        ]
    )
    env["account.payment.method"].create_records(
        [
            {"name": "Manual Payment", "code": "manual", "payment_type": "inbound"},
            {"name": "Manual Payment", "code": "manual", "payment_type": "outbound"},
        ]
    )
    locations = env["stock.location"]
    partners_view = locations.create_records([{"name": "Partners", "usage": "view"}])[0]
    locations.create_records(
        [
            {"name": "Vendors", "usage": "supplier", "location_id": partners_view},
            {"name": "Customers", "usage": "customer", "location_id": partners_view},
        ]
    )


# ---- the Finnish company -----------------------------------------------------------------------


@dataclass
class SeedInfo:
    """Ids of everything ``seed_finnish_company`` made, by key."""

    company_id: int
    partner_id: int
    currency_id: int
    country_id: int
    accounts: dict[str, int] = field(default_factory=dict)
    tax_groups: dict[str, int] = field(default_factory=dict)
    taxes: dict[str, int] = field(default_factory=dict)
    fiscal_positions: dict[str, int] = field(default_factory=dict)
    journals: dict[str, int] = field(default_factory=dict)
    payment_method_lines: dict[str, int] = field(default_factory=dict)
    payment_terms: dict[str, int] = field(default_factory=dict)
    customers: dict[str, int] = field(default_factory=dict)
    contacts: dict[str, int] = field(default_factory=dict)
    vendors: dict[str, int] = field(default_factory=dict)
    archived_partner_id: int = 0
    products: dict[str, int] = field(default_factory=dict)
    templates: dict[str, int] = field(default_factory=dict)
    uoms: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    warehouse_id: int = 0
    locations: dict[str, int] = field(default_factory=dict)
    picking_types: dict[str, int] = field(default_factory=dict)
    carrier_id: int = 0
    currencies: dict[str, int] = field(default_factory=dict)
    countries: dict[str, int] = field(default_factory=dict)

    @property
    def customer_ids(self) -> list[int]:
        return list(self.customers.values())

    @property
    def vendor_ids(self) -> list[int]:
        return list(self.vendors.values())

    @property
    def product_ids(self) -> list[int]:
        return list(self.products.values())


def business_id(first_seven: str) -> str:
    """A valid Y-tunnus for seven digits (check digit found with python-stdnum)."""
    for digit in "0123456789":
        candidate = f"{first_seven}-{digit}"
        if ytunnus.is_valid(candidate):
            return candidate
    raise ValueError(f"{first_seven} cannot start a Y-tunnus (check digit would be 10)")


def fi_vat(business: str) -> str:
    return "FI" + business.replace("-", "")


def ean13(twelve: str) -> str:
    code = twelve + ean.calc_check_digit(twelve)
    ean.validate(code)
    return code


def fi_iban(bban: str) -> str:
    return f"FI{iban.calc_check_digits('FI00' + bban)}{bban}"


ACCOUNTS = [
    # key, code, name, type, reconcile
    ("receivable", "1701", "Myyntisaamiset", "asset_receivable", True),
    ("payable", "2871", "Ostovelat", "liability_payable", True),
    ("vat_receivable", "1763", "Arvonlisäverosaamiset", "asset_current", False),
    ("vat_payable", "2939", "Arvonlisäverovelka", "liability_current", False),
    ("bank", "1910", "Pankkitili", "asset_cash", False),
    ("cash", "1900", "Käteisvarat", "asset_cash", False),
    ("outstanding_receipts", "1911", "Saapuvat maksut (välitili)", "asset_current", True),
    ("outstanding_payments", "1912", "Lähtevät maksut (välitili)", "asset_current", True),
    ("suspense", "1920", "Pankin välitili", "asset_current", False),
    ("equity", "2000", "Osakepääoma", "equity", False),
    ("sales", "3000", "Myynti", "income", False),
    ("sales_services", "3001", "Palvelumyynti", "income", False),
    ("sales_eu", "3300", "Yhteisömyynti", "income", False),
    ("sales_export", "3400", "Vientimyynti", "income", False),
    ("sales_construction", "3500", "Rakentamispalvelujen myynti (käännetty ALV)", "income", False),
    ("purchases", "4000", "Ostot", "expense", False),
    ("purchases_services", "4100", "Palveluostot", "expense", False),
    ("writeoff", "8600", "Kassa-alennukset ja pyöristyserot", "expense", False),
]

#: key, name, amount, use, group key, account key for the tax amount, description
TAXES = [
    ("sale_25_5", "25,5 %", 25.5, "sale", "vat_25_5", "vat_payable", "ALV 25,5 %"),
    ("sale_13_5", "13,5 %", 13.5, "sale", "vat_13_5", "vat_payable", "ALV 13,5 %"),
    ("sale_10", "10 %", 10.0, "sale", "vat_10", "vat_payable", "ALV 10 %"),
    ("sale_0", "0 %", 0.0, "sale", "vat_0", "vat_payable", "ALV 0 %"),
    ("eu_goods", "0 % EU tavarat", 0.0, "sale", "vat_0", "vat_payable", "Yhteisömyynti, tavarat"),
    (
        "eu_services",
        "0 % EU palvelut",
        0.0,
        "sale",
        "vat_0",
        "vat_payable",
        "Yhteisömyynti, palvelut (käännetty verovelvollisuus)",
    ),
    ("export", "0 % vienti", 0.0, "sale", "vat_0", "vat_payable", "Vienti EU:n ulkopuolelle"),
    (
        "reverse_charge_construction",
        "0 % rakentamispalvelut",
        0.0,
        "sale",
        "vat_0",
        "vat_payable",
        "Rakentamispalvelujen myynti, käännetty verovelvollisuus",
    ),
    ("purchase_25_5", "25,5 % osto", 25.5, "purchase", "vat_25_5", "vat_receivable", "ALV 25,5 %"),
    ("purchase_13_5", "13,5 % osto", 13.5, "purchase", "vat_13_5", "vat_receivable", "ALV 13,5 %"),
    ("purchase_10", "10 % osto", 10.0, "purchase", "vat_10", "vat_receivable", "ALV 10 %"),
    ("purchase_0", "0 % osto", 0.0, "purchase", "vat_0", "vat_receivable", "ALV 0 %"),
    (
        "purchase_eu_goods",
        "0 % EU tavaraostot",
        0.0,
        "purchase",
        "vat_0",
        "vat_receivable",
        "Yhteisöhankinnat, tavarat",
    ),
    (
        "purchase_eu_services",
        "0 % EU palveluostot",
        0.0,
        "purchase",
        "vat_0",
        "vat_receivable",
        "Yhteisöhankinnat, palvelut",
    ),
    (
        "purchase_construction",
        "0 % rakentamispalveluostot",
        0.0,
        "purchase",
        "vat_0",
        "vat_receivable",
        "Rakentamispalvelujen ostot, käännetty verovelvollisuus",
    ),
]

FISCAL_MAPPINGS = {
    "eu": [
        ("sale_25_5", "eu_goods"),
        ("sale_13_5", "eu_goods"),
        ("sale_10", "eu_goods"),
        ("purchase_25_5", "purchase_eu_goods"),
    ],
    "export": [("sale_25_5", "export"), ("sale_13_5", "export"), ("sale_10", "export")],
    "construction_reverse_charge": [
        ("sale_25_5", "reverse_charge_construction"),
        ("purchase_25_5", "purchase_construction"),
    ],
}


def seed_finnish_company(
    registry: Registry,
    name: str = "Sandbox Oy",
    vat: str = "FI12345671",
    *,
    street: str = "Mannerheimintie 1",
    zip_code: str = "00100",
    city: str = "Helsinki",
    email: str = "laskutus@sandbox.example",
    phone: str = "+358 9 123 4567",
) -> SeedInfo:
    """A complete Finnish company. The first call sets up the database's first company, later
    calls add companies (the administrator may use all of them)."""
    with registry.transaction():
        return _Seeder(registry, name, vat, street, zip_code, city, email, phone).run()


class _Seeder:
    def __init__(
        self,
        registry: Registry,
        name: str,
        vat: str,
        street: str,
        zip_code: str,
        city: str,
        email: str,
        phone: str,
    ) -> None:
        self.registry = registry
        self.name = name
        self.vat = vat
        self.address = {"street": street, "zip": zip_code, "city": city}
        self.email = email
        self.phone = phone
        self.env = Env(registry, SUPERUSER_ID, {}, su=True)
        self.index = len(registry.seeded_companies) + 1
        self.version = registry.version

    def ids(self, model: str, domain: list[Any]) -> list[int]:
        return self.env[model].search_ids(domain, active_test=False)

    def create(self, model: str, vals: dict[str, Any]) -> int:
        return self.env[model].create_records([vals])[0]

    def run(self) -> SeedInfo:
        env = self.env
        countries = {
            code: self.ids("res.country", [("code", "=", code)])[0] for code, *_ in COUNTRIES
        }
        currencies = {
            code: self.ids("res.currency", [("name", "=", code)])[0] for code, *_ in CURRENCIES
        }
        registry_number = self.vat[2:9] + "-" + self.vat[9:] if self.vat.startswith("FI") else ""
        company_vals: dict[str, Any] = {
            "name": self.name,
            "vat": self.vat,
            "company_registry": registry_number,
            "currency_id": currencies["EUR"],
            "country_id": countries["FI"],
            "account_fiscal_country_id": countries["FI"],
            "email": self.email,
            "phone": self.phone,
            **self.address,
        }
        companies = env["res.company"]
        if not self.registry.seeded_companies:
            company = 1
            companies.write_records([company], company_vals)
        else:
            company = companies.create_records([company_vals])[0]
        self.registry.seeded_companies.append(company)
        for uid in (1, 2):
            env["res.users"].write_records([uid], {"company_ids": [(4, company)]})
        self.company = company
        self.cenv = env.with_company(company)
        info = SeedInfo(
            company_id=company,
            partner_id=companies.row(company)["partner_id"],
            currency_id=currencies["EUR"],
            country_id=countries["FI"],
            currencies=currencies,
            countries=countries,
        )
        info.uoms = self._uoms()
        self._accounts(info)
        self._taxes(info)
        self._fiscal_positions(info)
        self._journals(info)
        self._payment_terms(info)
        self._company_settings(info)
        self._categories(info)
        self._partners(info)
        self._products(info)
        self._stock(info)
        return info

    # ---- pieces ------------------------------------------------------------------------------

    def _uoms(self) -> dict[str, int]:
        return uom_ids(self.env)

    def _accounts(self, info: SeedInfo) -> None:
        for key, code, name, kind, reconcile in ACCOUNTS:
            vals: dict[str, Any] = {
                "code": code,
                "name": name,
                "account_type": kind,
                "reconcile": reconcile,
            }
            if self.version <= 17:
                vals["company_id"] = self.company
            else:
                vals["company_ids"] = [(6, 0, [self.company])]
            info.accounts[key] = self.create("account.account", vals)

    def _taxes(self, info: SeedInfo) -> None:
        groups = {
            "vat_25_5": "ALV 25,5 %",
            "vat_13_5": "ALV 13,5 %",
            "vat_10": "ALV 10 %",
            "vat_0": "ALV 0 %",
        }
        for key, label in groups.items():
            vals: dict[str, Any] = {"name": label, "country_id": info.country_id}
            if self.version >= 17:
                vals["company_id"] = self.company
            info.tax_groups[key] = self.create("account.tax.group", vals)
        for sequence, (key, name, amount, use, group, account, label) in enumerate(TAXES, start=1):
            vals = {
                "name": name,
                "amount": amount,
                "amount_type": "percent",
                "type_tax_use": use,
                "company_id": self.company,
                "tax_group_id": info.tax_groups[group],
                "country_id": info.country_id,
                "sequence": sequence,
                "tax_scope": "service" if key in ("eu_services", "purchase_eu_services") else False,
            }
            if self.version <= 16:
                vals["description"] = label
            else:
                vals["invoice_label"] = label
                vals["description"] = f"<p>{label}</p>"
            if self.version <= 17:
                vals["price_include"] = False
            tax = self.create("account.tax", vals)
            info.taxes[key] = tax
            for document in ("invoice", "refund"):
                for kind in ("base", "tax"):
                    rep: dict[str, Any] = {
                        "repartition_type": kind,
                        "factor_percent": 100.0,
                        "company_id": self.company,
                        "account_id": info.accounts[account] if kind == "tax" else False,
                    }
                    if self.version <= 16:
                        rep[f"{document}_tax_id"] = tax
                    else:
                        rep.update(tax_id=tax, document_type=document)
                    self.create("account.tax.repartition.line", rep)

    def _fiscal_positions(self, info: SeedInfo) -> None:
        eu_name = "EU (ilman Suomea)"
        found = self.ids("res.country.group", [("name", "=", eu_name)])
        if found:
            eu_group = found[0]
        else:
            eu_countries = self.ids(
                "res.country", [("code", "in", [c for c in EU_COUNTRIES if c != "FI"])]
            )
            eu_group = self.create(
                "res.country.group", {"name": eu_name, "country_ids": [(6, 0, eu_countries)]}
            )
        positions: list[tuple[str, str, dict[str, Any], int]] = [
            ("domestic", "Kotimaa", {"auto_apply": True, "country_id": info.country_id}, 1),
            (
                "eu",
                "EU-myynti (yhteisömyynti)",
                {"auto_apply": True, "country_group_id": eu_group, "vat_required": True},
                2,
            ),
            ("export", "Vienti EU:n ulkopuolelle", {"auto_apply": True}, 4),
            (
                "construction_reverse_charge",
                "Rakentamispalvelut, käännetty verovelvollisuus",
                {},
                5,
            ),
        ]
        for key, name, extra, sequence in positions:
            info.fiscal_positions[key] = self.create(
                "account.fiscal.position",
                {"name": name, "company_id": self.company, "sequence": sequence, **extra},
            )
        taxes = self.env["account.tax"]
        for key, pairs in FISCAL_MAPPINGS.items():
            position = info.fiscal_positions[key]
            for src, dest in pairs:
                if self.version <= 18:
                    self.create(
                        "account.fiscal.position.tax",
                        {
                            "position_id": position,
                            "tax_src_id": info.taxes[src],
                            "tax_dest_id": info.taxes[dest],
                        },
                    )
                else:
                    taxes.write_records(
                        [info.taxes[dest]],
                        {
                            "fiscal_position_ids": [(4, position)],
                            "original_tax_ids": [(4, info.taxes[src])],
                        },
                    )

    def _journals(self, info: SeedInfo) -> None:
        journals: list[tuple[str, str, str, str, str | None, dict[str, Any]]] = [
            (
                "sale",
                "Myyntilaskut",
                "INV",
                "sale",
                "sales",
                {"refund_sequence": True, "invoice_reference_model": "fi"},
            ),
            ("purchase", "Ostolaskut", "BILL", "purchase", "purchases", {"refund_sequence": True}),
            ("bank", "Pankki", "BNK1", "bank", "bank", {"payment_sequence": True}),
            ("cash", "Käteinen", "CSH1", "cash", "cash", {"payment_sequence": True}),
            ("misc", "Muut kirjaukset", "MISC", "general", None, {}),
        ]
        for sequence, (key, name, code, kind, account, extra) in enumerate(journals, start=1):
            vals: dict[str, Any] = {
                "name": name,
                "code": code,
                "type": kind,
                "company_id": self.company,
                "sequence": sequence * 5,
                "default_account_id": info.accounts[account] if account else False,
                **extra,
            }
            if kind in ("bank", "cash"):
                vals["suspense_account_id"] = info.accounts["suspense"]
            info.journals[key] = self.create("account.journal", vals)
        methods = {
            direction: self.ids("account.payment.method", [("payment_type", "=", direction)])[0]
            for direction in ("inbound", "outbound")
        }
        for journal_key in ("bank", "cash"):
            for direction, suffix in (("inbound", "in"), ("outbound", "out")):
                info.payment_method_lines[f"{journal_key}_{suffix}"] = self.create(
                    "account.payment.method.line",
                    {
                        "name": "Manual Payment",
                        "payment_method_id": methods[direction],
                        "journal_id": info.journals[journal_key],
                    },
                )
        self.env["res.partner.bank"].create_records(
            [
                {
                    "acc_number": fi_iban(f"1234560000{self.index:03d}5"),
                    "partner_id": self.env["res.company"].row(self.company)["partner_id"],
                    "allow_out_payment": True,
                }
            ]
        )

    def _payment_terms(self, info: SeedInfo) -> None:
        for key, name, days in (
            ("immediate", "Heti", 0),
            ("net14", "14 päivää netto", 14),
            ("net30", "30 päivää netto", 30),
        ):
            line: dict[str, Any]
            if self.version <= 16:
                line = {"value": "balance", "days": days}
            else:
                line = {"value": "percent", "value_amount": 100.0, "nb_days": days}
            info.payment_terms[key] = self.create(
                "account.payment.term",
                {"name": name, "company_id": self.company, "line_ids": [(0, 0, line)]},
            )

    def _company_settings(self, info: SeedInfo) -> None:
        self.env["res.company"].write_records(
            [self.company],
            {
                "account_journal_payment_debit_account_id": info.accounts["outstanding_receipts"],
                "account_journal_payment_credit_account_id": info.accounts["outstanding_payments"],
                "account_sale_tax_id": info.taxes["sale_25_5"],
                "account_purchase_tax_id": info.taxes["purchase_25_5"],
                "default_cash_difference_expense_account_id": info.accounts["writeoff"],
            },
        )
        registry = self.registry
        registry.set_property_default(
            "res.partner",
            "property_account_receivable_id",
            self.company,
            info.accounts["receivable"],
        )
        registry.set_property_default(
            "res.partner", "property_account_payable_id", self.company, info.accounts["payable"]
        )
        registry.set_property_default(
            "product.category",
            "property_account_income_categ_id",
            self.company,
            info.accounts["sales"],
        )
        registry.set_property_default(
            "product.category",
            "property_account_expense_categ_id",
            self.company,
            info.accounts["purchases"],
        )

    def _categories(self, info: SeedInfo) -> None:
        categories = self.cenv["product.category"]
        root = self.ids("product.category", [("name", "=", "All"), ("parent_id", "=", False)])[0]
        info.categories["all"] = root
        for key, name in (("goods", "Tavarat"), ("services", "Palvelut")):
            found = self.ids("product.category", [("name", "=", name), ("parent_id", "=", root)])
            info.categories[key] = (
                found[0]
                if found
                else categories.create_records([{"name": name, "parent_id": root}])[0]
            )
        categories.write_records(
            [info.categories["services"]],
            {
                "property_account_income_categ_id": info.accounts["sales_services"],
                "property_account_expense_categ_id": info.accounts["purchases_services"],
            },
        )

    def _partners(self, info: SeedInfo) -> None:
        partners = self.cenv["res.partner"]
        n = self.index
        customers = [
            (
                "virtanen",
                "Rakennus Virtanen Oy",
                f"27{n:02d}413",
                "Teollisuuskatu 12",
                "00510",
                "Helsinki",
                {
                    "property_account_position_id": info.fiscal_positions[
                        "construction_reverse_charge"
                    ]
                },
            ),
            ("aalto", "Kahvila Aalto Oy", f"29{n:02d}112", "Hämeenkatu 5", "33100", "Tampere", {}),
            (
                "korhonen",
                "Tietotalo Korhonen Oy",
                f"31{n:02d}784",
                "Tekniikantie 14",
                "02150",
                "Espoo",
                {"property_payment_term_id": info.payment_terms["net30"]},
            ),
        ]
        for key, name, digits, street, zip_code, city, extra in customers:
            business = business_id(digits)
            info.customers[key] = partners.create_records(
                [
                    {
                        "name": name,
                        "is_company": True,
                        "company_registry": business,
                        "vat": fi_vat(business),
                        "street": street,
                        "zip": zip_code,
                        "city": city,
                        "country_id": info.country_id,
                        "email": f"laskut@{key}.example",
                        "phone": "+358 40 123 45" + f"{len(info.customers):02d}",
                        "lang": "fi_FI",
                        "customer_rank": 1,
                        "ref": f"C{n}{len(info.customers) + 1:03d}",
                        "company_id": self.company,
                        "property_payment_term_id": info.payment_terms["net14"],
                        **extra,
                    }
                ]
            )[0]
        info.customers["eu_sweden"] = partners.create_records(
            [
                {
                    "name": "Svensk Handel AB",
                    "is_company": True,
                    "company_registry": "559912-3451",
                    "vat": "SE559912345101",
                    "street": "Drottninggatan 10",
                    "zip": "111 51",
                    "city": "Stockholm",
                    "country_id": info.countries["SE"],
                    "email": "faktura@svenskhandel.example",
                    "lang": "sv_SE",
                    "customer_rank": 1,
                    "ref": f"C{n}101",
                    "company_id": self.company,
                    "property_payment_term_id": info.payment_terms["net30"],
                }
            ]
        )[0]
        info.customers["export_norway"] = partners.create_records(
            [
                {
                    "name": "Nordlys Import AS",
                    "is_company": True,
                    "company_registry": "923456783",
                    "street": "Karl Johans gate 7",
                    "zip": "0154",
                    "city": "Oslo",
                    "country_id": info.countries["NO"],
                    "email": "invoice@nordlys.example",
                    "lang": "en_US",
                    "customer_rank": 1,
                    "ref": f"C{n}201",
                    "company_id": self.company,
                    "property_payment_term_id": info.payment_terms["net30"],
                }
            ]
        )[0]
        info.contacts["aalto_maija"] = partners.create_records(
            [
                {
                    "name": "Maija Mäkinen",
                    "parent_id": info.customers["aalto"],
                    "type": "contact",
                    "function": "Talouspäällikkö",
                    "email": "maija.makinen@aalto.example",
                    "company_id": self.company,
                    "lang": "fi_FI",
                }
            ]
        )[0]
        info.archived_partner_id = partners.create_records(
            [
                {
                    "name": "Vanha Asiakas Oy",
                    "is_company": True,
                    "company_registry": business_id(f"18{n:02d}555"),
                    "city": "Turku",
                    "country_id": info.country_id,
                    "customer_rank": 1,
                    "company_id": self.company,
                    "active": False,
                }
            ]
        )[0]
        vendors = [
            ("nieminen", "Tukku Nieminen Oy", f"22{n:02d}631", "Satamakatu 3", "20100", "Turku"),
            (
                "lahtinen",
                "Paperi Lahtinen Oy",
                f"24{n:02d}907",
                "Kauppakatu 22",
                "40100",
                "Jyväskylä",
            ),
        ]
        for index, (key, name, digits, street, zip_code, city) in enumerate(vendors):
            business = business_id(digits)
            vendor = partners.create_records(
                [
                    {
                        "name": name,
                        "is_company": True,
                        "company_registry": business,
                        "vat": fi_vat(business),
                        "street": street,
                        "zip": zip_code,
                        "city": city,
                        "country_id": info.country_id,
                        "email": f"myynti@{key}.example",
                        "lang": "fi_FI",
                        "supplier_rank": 1,
                        "company_id": self.company,
                        "property_supplier_payment_term_id": info.payment_terms["net14"],
                    }
                ]
            )[0]
            info.vendors[key] = vendor
            self.env["res.partner.bank"].create_records(
                [
                    {
                        "acc_number": fi_iban(
                            f"4{n:02d}{index}0000{index}1234"[:14].ljust(14, "0")
                        ),
                        "partner_id": vendor,
                        "allow_out_payment": True,
                    }
                ]
            )

    def _products(self, info: SeedInfo) -> None:
        templates = self.cenv["product.template"]
        n = self.index
        storable = (
            {"detailed_type": "product", "type": "product"}
            if self.version <= 17
            else {
                "type": "consu",
                "is_storable": True,
            }
        )
        goods = (
            {"detailed_type": "consu", "type": "consu"} if self.version <= 17 else {"type": "consu"}
        )
        service = (
            {"detailed_type": "service", "type": "service"}
            if self.version <= 17
            else {"type": "service"}
        )
        products = [
            (
                "coffee",
                "Kahvipaketti 500 g",
                "KAHVI-500",
                "0001",
                "units",
                8.90,
                4.20,
                "13_5",
                goods,
                "goods",
            ),
            (
                "coffee_maker",
                "Kahvinkeitin Moccamaster",
                "KEITIN-01",
                "0002",
                "units",
                189.00,
                110.00,
                "25_5",
                storable,
                "goods",
            ),
            (
                "coffee_beans_kg",
                "Kahvipavut, irto",
                "KAHVI-KG",
                "0003",
                "kg",
                24.50,
                12.00,
                "13_5",
                goods,
                "goods",
            ),
            (
                "newspaper",
                "Sanomalehti",
                "LEHTI-01",
                "0004",
                "units",
                3.50,
                1.50,
                "10",
                goods,
                "goods",
            ),
            (
                "heating_oil",
                "Polttoöljy",
                "OLJY-L",
                "0005",
                "litre",
                1.45,
                1.10,
                "25_5",
                goods,
                "goods",
            ),
            (
                "consulting",
                "Konsultointi",
                "KONS-H",
                None,
                "hours",
                120.00,
                0.0,
                "25_5",
                service,
                "services",
            ),
            (
                "installation",
                "Asennustyö rakennuskohteessa",
                "ASENNUS-H",
                None,
                "hours",
                65.00,
                0.0,
                "25_5",
                service,
                "services",
            ),
            (
                "delivery",
                "Toimitus",
                "TOIMITUS",
                None,
                "units",
                9.90,
                0.0,
                "25_5",
                service,
                "services",
            ),
        ]
        for key, name, code, barcode, uom, price, cost, rate, kind, category in products:
            vals: dict[str, Any] = {
                "name": name,
                "default_code": code,
                "list_price": price,
                "standard_price": cost,
                "uom_id": info.uoms[uom],
                "categ_id": info.categories[category],
                "company_id": self.company,
                "taxes_id": [(6, 0, [info.taxes[f"sale_{rate}"]])],
                "supplier_taxes_id": [(6, 0, [info.taxes[f"purchase_{rate}"]])],
                "sale_ok": True,
                "purchase_ok": True,
                **kind,
            }
            if self.version <= 18:
                vals["uom_po_id"] = info.uoms[uom]
            if barcode:
                vals["barcode"] = ean13(f"64{n:02d}1234{barcode}")
            template = templates.create_records([vals])[0]
            info.templates[key] = template
            info.products[key] = self.env["product.template"].get(template, "product_variant_id")

    def _stock(self, info: SeedInfo) -> None:
        env = self.env
        code = "WH" if self.index == 1 else f"WH{self.index}"
        warehouse = self.create(
            "stock.warehouse",
            {"name": f"{self.name} varasto", "code": code, "company_id": self.company},
        )
        locations = env["stock.location"]
        view = locations.create_records(
            [{"name": code, "usage": "view", "company_id": self.company, "warehouse_id": warehouse}]
        )[0]
        stock = locations.create_records(
            [
                {
                    "name": "Stock",
                    "usage": "internal",
                    "location_id": view,
                    "company_id": self.company,
                    "warehouse_id": warehouse,
                }
            ]
        )[0]
        customers = self.ids("stock.location", [("usage", "=", "customer")])[0]
        suppliers = self.ids("stock.location", [("usage", "=", "supplier")])[0]
        info.locations = {
            "view": view,
            "stock": stock,
            "customers": customers,
            "vendors": suppliers,
        }
        types = env["stock.picking.type"]
        incoming = types.create_records(
            [
                {
                    "name": "Receipts",
                    "code": "incoming",
                    "sequence_code": "IN",
                    "warehouse_id": warehouse,
                    "company_id": self.company,
                    "default_location_src_id": suppliers,
                    "default_location_dest_id": stock,
                    "sequence": 1,
                }
            ]
        )[0]
        outgoing = types.create_records(
            [
                {
                    "name": "Delivery Orders",
                    "code": "outgoing",
                    "sequence_code": "OUT",
                    "warehouse_id": warehouse,
                    "company_id": self.company,
                    "default_location_src_id": stock,
                    "default_location_dest_id": customers,
                    "sequence": 2,
                }
            ]
        )[0]
        env["stock.warehouse"].write_records(
            [warehouse], {"lot_stock_id": stock, "in_type_id": incoming, "out_type_id": outgoing}
        )
        info.warehouse_id = warehouse
        info.picking_types = {"incoming": incoming, "outgoing": outgoing}
        info.carrier_id = self.create(
            "delivery.carrier",
            {
                "name": "Posti Paketti",
                "delivery_type": "fixed",
                "fixed_price": 9.90,
                "product_id": info.products["delivery"],
                "company_id": self.company,
                "tracking_url": "https://www.posti.fi/fi/seuranta#/lahetys/<shipmenttrackingnumber>",
            },
        )
