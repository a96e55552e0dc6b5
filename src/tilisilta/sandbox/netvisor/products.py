"""The product register: ``product.nv``, ``productlist.nv``, ``getproduct.nv`` (reference
netvisor.md §3 "Master data", §4, §8.1, §8.2 items 8, 12 and 19).

* product.nv: productgroup, name, unitprice@type, isactive and issalesproduct are required (DTD);
  a product code that exists is refused with DUPLICATE_DATA ("already exists in Netvisor", seed
  004). No product is ever made implicitly.
* productlist.nv: ``changedsince``, ``keyword``; rows as HEL ``ProductList.xml`` plus the fields
  §3 lists.
* getproduct.nv: ``id``, ``idlist`` (≤400), ``code``, ``codelist`` (≤400) or ``eancode``; an
  unknown product is answered OK with an empty ``<Product>`` (HEL ``GetProductNotFound.xml``).
"""

from __future__ import annotations

from decimal import Decimal
from xml.etree.ElementTree import Element

from . import xmlin
from .context import Ctx
from .errors import DUPLICATE_DATA, NetvisorError, invalid
from .invoicelines import cents
from .records import merge
from .schema import PRODUCT
from .state import Product
from .xmlout import add, money, node, number

BASE = "productbaseinformation"
BOOKS = "productbookkeepingdetails"
MAX_KEYS = 400
_PRICE_TYPE = {"net": "netto", "gross": "brutto"}  # HEL GetProduct.xml answers "brutto"


def handle(ctx: Ctx) -> list[Element]:
    method = (ctx.param("method") or "").lower()
    if method not in ("add", "edit"):
        raise invalid("method must be add or edit")
    existing: Product | None = None
    if method == "edit":
        key = xmlin.integer(ctx.param("id") or "", "id")
        existing = ctx.company.products.get(key)
        if existing is None:
            raise invalid(f"Product not found with Netvisor identifier: {key}")
    doc = ctx.document(PRODUCT)
    fields = merge(existing.fields if existing else {}, doc, PRODUCT)
    xmlin.decimal(fields.get(f"{BASE}/unitprice", ""), "unitprice")
    for name in ("purchaseprice", "unitweight", "comissionpercentage"):
        if fields.get(f"{BASE}/{name}"):
            xmlin.decimal(fields[f"{BASE}/{name}"], name)
    for flag in ("isactive", "issalesproduct", "inventoryenabled"):
        if f"{BASE}/{flag}" in fields:
            xmlin.flag(fields[f"{BASE}/{flag}"], flag)
    if fields.get(f"{BOOKS}/defaultvatpercentage"):
        xmlin.decimal(fields[f"{BOOKS}/defaultvatpercentage"], "defaultvatpercentage")
    code = fields.get(f"{BASE}/productcode", "")
    for other in ctx.company.products.values():
        if code and other.code == code and (existing is None or other.key != existing.key):
            raise NetvisorError(DUPLICATE_DATA, "duplicate", what="Product code", value=code)
    if existing is not None:
        existing.fields, existing.modified = fields, ctx.now
        return []
    product = Product(ctx.company.next_key("product"), fields, ctx.now)
    ctx.company.products[product.key] = product
    return [node("Replies", children=[node("InsertedDataIdentifier", str(product.key))])]


def _price(product: Product) -> Decimal:
    return Decimal((product.get("unitprice") or "0").replace(",", "."))


def _vat(product: Product) -> Decimal:
    return Decimal((product.get("defaultvatpercentage", BOOKS) or "0").replace(",", "."))


def net_and_gross(product: Product) -> tuple[Decimal, Decimal]:
    price, factor = _price(product), 1 + _vat(product) / 100
    if product.fields.get(f"{BASE}/unitprice@type") == "gross":
        return cents(price / factor), price
    return price, cents(price * factor)


def product_list(ctx: Ctx) -> list[Element]:
    ctx.reading()
    keyword = (ctx.param("keyword") or "").lower()
    since = ctx.day("changedsince")
    rows = []
    for product in sorted(ctx.company.products.values(), key=lambda p: p.key):
        if keyword and not any(keyword in t.lower() for t in (product.code, product.get("name"))):
            continue
        if since is not None and ctx.local(product.modified).date() < since:
            continue
        net, gross = net_and_gross(product)
        row = node("Product")
        add(row, "NetvisorKey", str(product.key))
        add(row, "ProductCode", product.code)
        add(row, "Name", product.get("name"))
        add(row, "UnitPrice", money(net))
        add(row, "UnitGrossPrice", money(gross))
        add(row, "ProductGroupID", "1")
        add(row, "ProductGroupDescription", product.get("productgroup"))
        add(row, "Uri", f"{ctx.base}/getproduct.nv?id={product.key}")
        rows.append(row)
    return ctx.listing("ProductList", rows)


def get_product(ctx: Ctx) -> list[Element]:
    ctx.reading()
    company = ctx.company
    if "idlist" in ctx.params or "codelist" in ctx.params:
        if "idlist" in ctx.params:
            found = [company.products.get(k) for k in ctx.keys("idlist", MAX_KEYS)]
        else:
            found = [company.product_by("customer", c) for c in ctx.codes("codelist", MAX_KEYS)]
        return [node("Products", children=[render(p) for p in found if p is not None])]
    product: Product | None
    if ctx.param("id"):
        product = company.products.get(xmlin.integer(ctx.param("id") or "", "id"))
    elif ctx.param("code"):
        product = company.product_by("customer", ctx.param("code") or "")
    elif ctx.param("eancode"):
        code = ctx.param("eancode") or ""
        product = company.product_by("primaryeancode", code) or company.product_by(
            "secondaryeancode", code
        )
    else:
        raise invalid("id, idlist, code, codelist or eancode is required")
    return [render(product) if product else node("Product")]


def render(p: Product) -> Element:
    """As HEL ``GetProduct.xml``."""
    out = node("Product")
    base = add(out, "ProductBaseInformation")
    add(base, "NetvisorKey", str(p.key))
    add(base, "ProductCode", p.code)
    add(base, "ProductGroup", p.get("productgroup"))
    add(base, "Name", p.get("name"))
    add(base, "Description", p.get("description"))
    kind = _PRICE_TYPE[p.fields.get(f"{BASE}/unitprice@type", "net")]
    add(base, "UnitPrice", number(_price(p)), type=kind)
    add(base, "Unit", p.get("unit"))
    add(base, "UnitWeight", p.get("unitweight").replace(".", ","))
    add(base, "PurchasePrice", p.get("purchaseprice").replace(".", ","))
    add(base, "TariffHeading", p.get("tariffheading"))
    add(base, "ComissionPercentage", p.get("comissionpercentage").replace(".", ","))
    add(base, "IsActive", p.get("isactive"))
    add(base, "IsSalesProduct", p.get("issalesproduct"))
    books = add(out, "ProductBookkeepingDetails")
    add(books, "DefaultVatPercent", number(_vat(p)))
    add(books, "DefaultDomesticAccountNumber", p.get("defaultdomesticaccountnumber", BOOKS))
    add(books, "DefaultEuAccountNumber", p.get("defaulteuaccountnumber", BOOKS))
    add(books, "DefaultOutsideEUAccountNumber", p.get("defaultoutsideeuaccountnumber", BOOKS))
    return out
