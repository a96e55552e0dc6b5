"""A realistic, deterministic batch of invoices for the demo company Tilisilta Demo Oy.

The batch is written in the import format (docs/import-format.md), amounts as strings. Every
document is valid except five, each broken on purpose for one clearly different reason and marked
with a note starting "demo:". Same `today` and seed, same batch.
"""

from __future__ import annotations

import json
import random
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from tilisilta.domain.money import HUNDRED, round_money
from tilisilta.domain.references import make_finnish_reference, make_rf_reference

INVALID_NOTE_PREFIX = "demo:"
FIRST_NUMBER = 10001
SALES_INVOICES = 50
CREDIT_NOTES = 6
# 13.5 % exists from 2026-01-01: the batch never reaches back into 2025.
EARLIEST = date(2026, 1, 1)
WINDOW_DAYS = 60

_YTUNNUS_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def _ytunnus(base: str) -> str:
    """A business ID with its check digit, from 7 digits (see domain.md §2)."""
    remainder = sum(w * int(d) for w, d in zip(_YTUNNUS_WEIGHTS, base, strict=True)) % 11
    if remainder == 1:
        raise ValueError(f"no business ID is issued with the base {base}")
    return f"{base}-{0 if remainder == 0 else 11 - remainder}"


def _fi_vat(business_id: str) -> str:
    return "FI" + business_id.replace("-", "")


# The demo company. The documents carry no seller: like most ERP exports they leave it to the
# hub, which fills it from the company they are imported into (tilisilta.demo.runner's).
DEMO_SELLER: dict[str, Any] = {
    "name": "Tilisilta Demo Oy",
    "business_id": "2077474-0",
    "vat_number": "FI20774740",
    "iban": "FI4950009420028730",
    "bic": "OKOYFIHH",
}

# --- Catalogue ---

Category = Literal["goods", "service"]


@dataclass(frozen=True)
class _Product:
    code: str
    name: str
    unit: str  # UN/ECE Rec 20
    price: str
    rate: str  # domestic VAT rate, percent
    category: Category = "goods"


_PRODUCTS = {
    p.code: p
    for p in (
        _Product("TL-1001", "Työkalusarja 94-osainen", "H87", "189.00", "25.5"),
        _Product("TL-2040", "Akkuporakone 18 V, 2 akkua", "H87", "229.00", "25.5"),
        _Product("TL-2105", "Suojakäsineet nitriili, 100 kpl", "SET", "14.90", "25.5"),
        _Product("TO-5000", "Toimistotuoli, ergonominen", "H87", "349.00", "25.5"),
        _Product("VA-0110", "LED-valaisin 40 W", "H87", "64.90", "25.5"),
        _Product("KO-0420", "Kahvinkeitin, ammattikäyttö 2,2 l", "H87", "412.00", "25.5"),
        _Product("EL-2001", "Kahvi, luomu tumma paahto 1 kg", "KGM", "21.90", "13.5"),
        _Product("EL-2002", "Vihreä tee 500 g", "H87", "11.40", "13.5"),
        _Product("EL-2010", "Ruisnäkkileipä, laatikko 20 × 250 g", "SET", "42.00", "13.5"),
        _Product("KI-3001", "Kirjanpidon käsikirja 2026", "H87", "58.00", "13.5"),
        _Product("KI-3002", "Arvonlisäverotus käytännössä", "H87", "64.00", "13.5"),
        _Product("LE-4001", "Ammattilehti Tukkukauppa, vuositilaus", "C62", "189.00", "10"),
        _Product("LE-4002", "Aikakauslehti Kahvila & Ravintola, 12 numeroa", "C62", "96.00", "10"),
        _Product("KON-01", "Integraatiokonsultointi", "HUR", "118.00", "25.5", "service"),
        _Product("KON-02", "Projektinhallinta", "HUR", "96.00", "25.5", "service"),
        _Product("KOU-01", "Koulutuspäivä: ERP-integraatiot", "DAY", "1450.00", "25.5", "service"),
        _Product("LIS-01", "Tilisilta Pro -lisenssi, kuukausi", "MON", "79.00", "25.5", "service"),
        _Product("TUKI-01", "Ylläpito ja tuki, kuukausi", "MON", "240.00", "25.5", "service"),
    )
}

_EU_GOODS_REASON = "Yhteisömyynti, AVL 72 a § / Intra-Community supply, VAT Directive art. 138"
_EU_SERVICES_REASON = (
    "Käännetty verovelvollisuus, AVL 65 § / Reverse charge, VAT Directive art. 196"
)
_EXPORT_REASON = "Vienti EU:n ulkopuolelle, AVL 70 § / Export outside the EU"
_ALAND_REASON = "Vienti Ahvenanmaalle (veroraja), AVL 70 § / Export to Åland"

Market = Literal["domestic", "eu", "export"]


@dataclass(frozen=True)
class _Customer:
    party: dict[str, Any]
    market: Market
    products: tuple[str, ...]  # what this customer buys; the first is on its first invoice
    terms_days: int = 14
    weight: int = 2  # how often it buys, relative to the others

    @property
    def export_reason(self) -> str:
        return _ALAND_REASON if self.party["address"]["country"] == "AX" else _EXPORT_REASON


def _party(
    number: int,
    name: str,
    street: str,
    postal_code: str,
    city: str,
    country: str,
    email: str,
    *,
    business_id: str | None = None,
    vat_number: str | None = None,
    language: str = "fi",
) -> dict[str, Any]:
    party: dict[str, Any] = {
        "ref": f"C-{number}",
        "customer_number": str(number),
        "name": name,
        "address": {"street": street, "postal_code": postal_code, "city": city, "country": country},
        "email": email,
        "language": language,
    }
    if business_id:
        party["business_id"] = business_id
    if vat_number:
        party["vat_number"] = vat_number
    return party


def _domestic(
    number: int,
    base: str,
    name: str,
    street: str,
    postal_code: str,
    city: str,
    products: tuple[str, ...],
) -> _Customer:
    business_id = _ytunnus(base)
    email = f"laskut@{name.split()[0].lower()}.example"
    party = _party(
        number,
        name,
        street,
        postal_code,
        city,
        "FI",
        email,
        business_id=business_id,
        vat_number=_fi_vat(business_id),
    )
    return _Customer(party, "domestic", products, weight=3)


def _foreign(
    number: int,
    name: str,
    street: str,
    postal_code: str,
    city: str,
    country: str,
    email: str,
    market: Market,
    products: tuple[str, ...],
    *,
    vat_number: str | None = None,
    business_id: str | None = None,
    language: str = "en",
) -> _Customer:
    party = _party(
        number,
        name,
        street,
        postal_code,
        city,
        country,
        email,
        business_id=business_id,
        vat_number=vat_number,
        language=language,
    )
    return _Customer(party, market, products, terms_days=30, weight=2 if market == "eu" else 1)


# The EU VAT numbers have valid check digits (python-stdnum's algorithms; checked in the tests).
# fmt: off
_CUSTOMERS = (
    _domestic(1001, "1618033", "Kahvila Aamurusko Oy", "Fredrikinkatu 42", "00120", "Helsinki",
              ("LE-4002", "EL-2001", "EL-2002", "EL-2010", "KO-0420", "TL-2105")),
    _domestic(1002, "1414213", "Rakennusliike Kivijalka Oy", "Hatanpään valtatie 24", "33100",
              "Tampere", ("TL-2040", "TL-1001", "TL-2105", "VA-0110", "KON-02", "EL-2001")),
    _domestic(1003, "1732050", "Pohjolan Tukku Oy", "Isokatu 15", "90100", "Oulu",
              ("EL-2010", "EL-2001", "EL-2002", "TL-1001", "TL-2105", "VA-0110", "LE-4001")),
    _domestic(1004, "2236067", "Saariston Kirjakauppa Oy", "Linnankatu 9", "20100", "Turku",
              ("LE-4001", "KI-3001", "KI-3002", "LE-4002", "EL-2002")),
    _domestic(1005, "2645751", "Lahden Konepaja Oy", "Aleksanterinkatu 18", "15110", "Lahti",
              ("KON-01", "TL-1001", "TL-2040", "VA-0110", "KOU-01", "TUKI-01")),
    _domestic(1006, "3605551", "Jyväskylän Hyvinvointi Oy", "Kauppakatu 30", "40100", "Jyväskylä",
              ("KOU-01", "KON-01", "LIS-01", "TUKI-01", "EL-2001", "TO-5000", "KI-3001")),
    _foreign(2001, "Nordlys Konsult AB", "Drottninggatan 55", "111 21", "Stockholm", "SE",
             "faktura@nordlys.example", "eu", ("KON-01", "KON-02", "LIS-01", "TUKI-01", "KOU-01"),
             vat_number="SE556781234101", language="sv"),
    _foreign(2002, "Berliner Werkzeughandel GmbH", "Friedrichstraße 120", "10117", "Berlin", "DE",
             "rechnung@werkzeughandel.example", "eu", ("TL-2040", "TL-1001", "TL-2105", "VA-0110"),
             vat_number="DE812456719"),
    _foreign(2003, "Tallinna Puit OÜ", "Narva mnt 7", "10117", "Tallinn", "EE",
             "arved@puit.example", "eu", ("TL-1001", "VA-0110", "TO-5000", "TL-2105"),
             vat_number="EE102938478"),
    _foreign(2004, "Van Dijk Logistics B.V.", "Keizersgracht 310", "1016 EZ", "Amsterdam", "NL",
             "invoices@vandijk.example", "eu",
             ("LIS-01", "KON-01", "TUKI-01", "TO-5000", "VA-0110"),
             vat_number="NL816407253B01"),
    _foreign(3001, "Northwind Outfitters Inc.", "1200 Pine Street", "98101", "Seattle", "US",
             "ap@northwind.example", "export", ("EL-2001", "TL-1001", "KO-0420", "TO-5000")),
    # Åland is outside the EU VAT area: goods sent there are exports, though the buyer is Finnish.
    _foreign(3002, "Ålands Sjöfart Ab", "Torggatan 12", "22100", "Mariehamn", "AX",
             "faktura@sjofart.example", "export", ("EL-2010", "EL-2001", "TL-2105", "VA-0110"),
             business_id=_ytunnus("2449489"), language="sv"),
)
# The customers of the deliberately invalid documents.
_KERAVA = _domestic(1099, "2871046", "Keravan Kalustetukku Oy", "Kauppakaari 8", "04200",
                    "Kerava", ("TO-5000", "VA-0110", "KON-02"))
_HAMBURG = _foreign(2099, "Hamburger Küchenbedarf GmbH", "Mönckebergstraße 11", "20095",
                    "Hamburg", "DE", "buchhaltung@kuechenbedarf.example", "eu",
                    ("KO-0420", "EL-2001", "TL-2105"))
# fmt: on

# --- Generation ---


@dataclass
class _Draft:
    """A document before numbering: numbers follow dates, as a sequential series must."""

    day: date
    doc: dict[str, Any]
    credits: _Draft | None = None  # for a credit note: the invoice it credits
    number: str = field(default="", init=False)


def demo_invoices(today: date, seed: int = 7) -> list[dict[str, Any]]:
    """The demo batch as JSON-ready dicts in the import format, ordered by number."""
    if today < EARLIEST:
        raise ValueError(f"the demo batch uses 2026 VAT rates; today must be {EARLIEST} or later")
    rng = random.Random(seed)
    # Stay inside the current calendar year: its fiscal year is the open one in Procountor.
    start = max(today - timedelta(days=WINDOW_DAYS), EARLIEST, date(today.year, 1, 1))

    def some_day() -> date:
        return start + timedelta(days=rng.randint(0, (today - start).days))

    # Every customer buys once (its first product included), then the regulars buy more often.
    buyers = list(_CUSTOMERS) + rng.choices(
        _CUSTOMERS, weights=[c.weight for c in _CUSTOMERS], k=SALES_INVOICES - len(_CUSTOMERS)
    )
    sales: list[_Draft] = []
    for i, customer in enumerate(buyers):
        day = some_day()
        sales.append(_Draft(day, _sales_invoice(rng, customer, day, first=i < len(_CUSTOMERS))))
    _discount(sales[0].doc["lines"][0], "10")  # so that every batch shows a discount

    credits: list[_Draft] = []
    for original in rng.sample(sales, CREDIT_NOTES):
        day = min(original.day + timedelta(days=rng.randint(1, 10)), today)
        credits.append(_Draft(day, _credit_note(rng, original.doc, day), credits=original))
    invalid: list[_Draft] = []
    for make in _INVALID:
        day = some_day()
        invalid.append(_Draft(day, make(rng, day)))

    # Date order, a credit note after the invoice it credits, then generation order (stable sort).
    drafts = sorted(sales + invalid + credits, key=lambda d: (d.day, d.credits is not None))
    for position, draft in enumerate(drafts):
        draft.number = draft.doc["number"] = str(FIRST_NUMBER + position)
    for credit in credits:
        assert credit.credits is not None
        credit.doc["credited_invoice_number"] = credit.credits.number
        credit.doc["notes"] = f"Hyvitys laskulle {credit.credits.number}."
    _add_payment_references(rng, sales)
    return [draft.doc for draft in drafts]


def demo_invoice_file(today: date, path: Path, seed: int = 7) -> Path:
    """Write the demo batch as `{"invoices": [...]}` JSON, ready for the importer."""
    batch = {"invoices": demo_invoices(today, seed)}
    path.write_text(json.dumps(batch, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def procountor_registers() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What the demo company already has in Procountor, made there by hand before the hub came:
    (business partners, products) as ``POST /businesspartners`` and ``POST /products`` take them.

    Customers: one the hub finds by business ID, one by customer number, one by name only, two
    with the same name (ambiguous: a person decides) and one the ERP does not know. Products: two
    found by code, one by name only, and one the ERP does not know.
    """
    by_number = {c.party["customer_number"]: c.party for c in _CUSTOMERS}

    def partner(name: str, city: str, **invoicing: str) -> dict[str, Any]:
        return {
            "name": name,
            "type": "CUSTOMER",
            "address": {"name": name, "city": city, "country": "FINLAND"},
            "paymentInfo": {"paymentMethod": "BANK_TRANSFER"},
            "invoicingInfo": invoicing,
        }

    def product(code: str | None, name: str, price: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": "SALES",
            "name": name,
            "unit": "PIECE",
            "price": Decimal(price),
            "discount": Decimal(0),
            "active": True,
            "currency": "EUR",
        }
        if code:
            body["code"] = code
        return body

    kahvila, kivijalka = by_number["1001"], by_number["1002"]
    tukku, kirjakauppa = by_number["1003"], by_number["1004"]
    partners = [
        partner("Kahvila Aamurusko", "Helsinki", identifier=kahvila["business_id"]),
        partner("Kivijalka Rakennus", "Tampere", customerNumber=kivijalka["customer_number"]),
        partner(tukku["name"], "Oulu"),
        partner(kirjakauppa["name"], "Turku"),
        partner(kirjakauppa["name"], "Naantali"),
        partner("Lounasravintola Helmi Oy", "Espoo"),
    ]
    products = [
        product("EL-2001", "Kahvi, tumma paahto 1 kg", "19.90"),
        product("TL-1001", "Työkalusarja", "179.00"),
        product(None, _PRODUCTS["KON-01"].name, "110.00"),
        product("LAHJA-50", "Lahjakortti 50 €", "50.00"),
    ]
    return partners, products


def _invoice(customer: _Customer, day: date, lines: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "number": "",  # given when the batch is numbered
        "kind": "sales_invoice",
        "invoice_date": day.isoformat(),
        "supply_date": day.isoformat(),
        "due_date": (day + timedelta(days=customer.terms_days)).isoformat(),
        "currency": "EUR",
        "customer": deepcopy(customer.party),
        "lines": lines,
    }


def _sales_invoice(
    rng: random.Random, customer: _Customer, day: date, first: bool
) -> dict[str, Any]:
    codes = rng.sample(customer.products, rng.randint(1, min(6, len(customer.products))))
    if first and customer.products[0] not in codes:
        codes[0] = customer.products[0]
    doc = _invoice(customer, day, [_line(rng, customer, _PRODUCTS[code]) for code in codes])
    if rng.random() < 0.3:
        doc["order_reference"] = f"PO-{rng.randint(4000, 9999)}"
    if rng.random() < 0.12:
        # Goods delivered earlier in the week and invoiced together: the supply date sets the VAT.
        supply = max(day - timedelta(days=rng.randint(1, 6)), EARLIEST, date(day.year, 1, 1))
        if supply != day:
            doc["supply_date"] = supply.isoformat()
            doc["notes"] = f"Toimitettu {supply:%d.%m.%Y}, laskutettu viikkokoosteena."
    return doc


def _line(rng: random.Random, customer: _Customer, product: _Product) -> dict[str, Any]:
    line: dict[str, Any] = {
        "description": product.name,
        "product_code": product.code,
        "quantity": str(_quantity(rng, product.unit)),
        "unit": product.unit,
        "unit_price": product.price,
    }
    line.update(_tax(customer, product))
    if rng.random() < 0.2:
        _discount(line, rng.choice(("5", "10", "15", "20")))
    else:
        _set_net(line)
    return line


def _quantity(rng: random.Random, unit: str) -> Decimal:
    if unit == "HUR":
        return Decimal(rng.randint(2, 80)) / 2  # half hours
    upper = {"DAY": 3, "MON": 12, "KGM": 40}.get(unit, 24)
    return Decimal(rng.randint(1, upper))


def _tax(customer: _Customer, product: _Product) -> dict[str, str]:
    if customer.market == "domestic":
        return {"vat_rate": product.rate, "vat_treatment": "domestic"}
    if customer.market == "export":
        treatment, reason = "export", customer.export_reason
    elif product.category == "goods":
        treatment, reason = "eu_goods", _EU_GOODS_REASON
    else:
        treatment, reason = "eu_services", _EU_SERVICES_REASON
    return {"vat_rate": "0", "vat_treatment": treatment, "vat_exemption_reason": reason}


def _discount(line: dict[str, Any], percent: str) -> None:
    line["discount_percent"] = percent
    _set_net(line)


def _set_net(line: dict[str, Any]) -> None:
    """The line net as the ERP would state it: quantity × price − discount, to the cent."""
    quantity, price = Decimal(line["quantity"]), Decimal(line["unit_price"])
    discount = Decimal(line.get("discount_percent", "0"))
    line["net_amount"] = str(round_money(quantity * price * (HUNDRED - discount) / HUNDRED))


def _credit_note(rng: random.Random, original: dict[str, Any], day: date) -> dict[str, Any]:
    """Part of an invoice credited back: same prices and VAT, negative quantities."""
    picked = rng.sample(original["lines"], rng.randint(1, min(2, len(original["lines"]))))
    lines = []
    for source in picked:
        line = deepcopy(source)
        line["quantity"] = str(-max(Decimal(1), Decimal(source["quantity"]) // 2))
        _set_net(line)
        lines.append(line)
    doc = deepcopy(original) | {
        "kind": "credit_note",
        "invoice_date": day.isoformat(),
        "due_date": day.isoformat(),
        "lines": lines,
        "credited_invoice_date": original["invoice_date"],
    }
    for key in ("order_reference", "payment_reference", "notes"):
        doc.pop(key, None)
    return doc


def _add_payment_references(rng: random.Random, sales: list[_Draft]) -> None:
    """Most invoices leave the reference to the hub; a few bring their own, one in RF form."""
    *finnish, rf = rng.sample(sales, 4)
    for draft in finnish:
        base = draft.doc["customer"]["customer_number"] + draft.number
        draft.doc["payment_reference"] = make_finnish_reference(base)
    rf.doc["payment_reference"] = make_rf_reference(rf.number)


# --- The five deliberately invalid documents, each wrong for one reason ---


def _wrong_digit(digit: str) -> str:
    return str((int(digit) + 3) % 10)


def _bad_business_id(rng: random.Random, day: date) -> dict[str, Any]:
    doc = _sales_invoice(rng, _KERAVA, day, first=True)
    right = doc["customer"]["business_id"]
    wrong = right[:-1] + _wrong_digit(right[-1])
    doc["customer"]["business_id"] = wrong
    del doc["customer"]["vat_number"]  # only the business ID is wrong
    doc["notes"] = f"demo: customer business ID {wrong} has a wrong check digit ({right[-1]})."
    return doc


def _old_general_rate(rng: random.Random, day: date) -> dict[str, Any]:
    customer = _CUSTOMERS[4]
    doc = _sales_invoice(rng, customer, day, first=True)
    doc["supply_date"] = day.isoformat()
    doc["lines"][0] = _line(rng, customer, _PRODUCTS["TL-1001"]) | {"vat_rate": "24"}
    doc["notes"] = "demo: 24 % is no longer valid; a 2026 supply takes 25.5 %."
    return doc


def _eu_goods_without_vat_number(rng: random.Random, day: date) -> dict[str, Any]:
    doc = _sales_invoice(rng, _HAMBURG, day, first=True)
    doc["notes"] = "demo: an EU goods sale needs the customer's VAT number, and it is missing."
    return doc


def _due_before_invoice_date(rng: random.Random, day: date) -> dict[str, Any]:
    doc = _sales_invoice(rng, _CUSTOMERS[2], day, first=True)
    doc["due_date"] = (day - timedelta(days=7)).isoformat()
    doc["notes"] = "demo: the due date is a week before the invoice date."
    return doc


def _bad_payment_reference(rng: random.Random, day: date) -> dict[str, Any]:
    doc = _sales_invoice(rng, _CUSTOMERS[3], day, first=True)
    right = make_finnish_reference(f"{doc['customer']['customer_number']}{rng.randint(100, 999)}")
    wrong = right[:-1] + _wrong_digit(right[-1])
    doc["payment_reference"] = wrong
    doc["notes"] = f"demo: payment reference {wrong} has a wrong check digit ({right[-1]})."
    return doc


_INVALID = (
    _bad_business_id,
    _old_general_rate,
    _eu_goods_without_vat_number,
    _due_before_invoice_date,
    _bad_payment_reference,
)
