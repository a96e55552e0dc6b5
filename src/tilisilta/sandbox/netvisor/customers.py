"""The customer register: ``customer.nv``, ``customerlist.nv``, ``getcustomer.nv`` (reference
netvisor.md §3 "Master data", §4, §8.2 items 8, 12 and 19).

* customer.nv: ``customerbaseinformation`` is required and everything in it optional, but a
  customer needs a name (the minimal body). ``internalidentifier`` is the customer code;
  ``type="automatic"`` takes the next number. A code already used is refused with
  DUPLICATE_DATA [assumed]. ``method=edit`` with an unknown id, or no method → INVALID_DATA.
* customerlist.nv: ``keyword`` searches name, code, business id and name extension and overrides
  ``changedsince``; ``customercodelist`` takes ≤100 codes. Rows as HEL ``CustomerList.xml`` and
  AVA's TEMP list (``Customerlist``, ``Netvisorkey``).
* getcustomer.nv: ``id`` or ``idlist`` (≤500); an unknown id → INVALID_DATA "Customer not found
  with Netvisor identifier: <id>" (HEL ``GetCustomerNotFound.xml``).
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from . import xmlin
from .context import Ctx
from .errors import DUPLICATE_DATA, NetvisorError, invalid
from .records import merge
from .schema import CUSTOMER
from .state import Customer
from .xmlout import add, node

BASE = "customerbaseinformation"
MAX_CODES = 100
MAX_IDS = 500


def handle(ctx: Ctx) -> list[Element]:
    method = (ctx.param("method") or "").lower()
    if method not in ("add", "edit"):
        raise invalid("method must be add or edit")
    existing: Customer | None = None
    if method == "edit":
        key = xmlin.integer(ctx.param("id") or "", "id")
        existing = ctx.company.customers.get(key)
        if existing is None:
            raise invalid(f"Customer not found with Netvisor identifier: {key}")
    doc = ctx.document(CUSTOMER)
    fields = merge(existing.fields if existing else {}, doc, CUSTOMER)
    if not fields.get(f"{BASE}/name"):
        raise invalid("customerbaseinformation/name: a customer needs a name")
    for flag in ("isactive", "isprivatecustomer"):
        if f"{BASE}/{flag}" in fields:
            xmlin.flag(fields[f"{BASE}/{flag}"], flag)
    code_path = f"{BASE}/internalidentifier"
    if fields.get(f"{code_path}@type") == "automatic":
        fields[code_path] = _next_code(ctx)
        del fields[f"{code_path}@type"]
    code = fields.get(code_path, "")
    for other in ctx.company.customers.values():
        if code and other.code == code and (existing is None or other.key != existing.key):
            raise NetvisorError(DUPLICATE_DATA, "duplicate", what="Customer code", value=code)
    if existing is not None:
        existing.fields, existing.modified = fields, ctx.now
        return []
    customer = Customer(ctx.company.next_key("customer"), fields, ctx.now)
    ctx.company.customers[customer.key] = customer
    return [node("Replies", children=[node("InsertedDataIdentifier", str(customer.key))])]


def _next_code(ctx: Ctx) -> str:
    numbers = [int(c.code) for c in ctx.company.customers.values() if c.code.isdigit()]
    return str(max(numbers, default=0) + 1)


def customer_list(ctx: Ctx) -> list[Element]:
    ctx.reading()
    keyword = (ctx.param("keyword") or "").lower()
    since = ctx.day("changedsince")
    codes = ctx.codes("customercodelist", MAX_CODES) if "customercodelist" in ctx.params else None

    def wanted(c: Customer) -> bool:
        if codes is not None and c.code not in codes:
            return False
        if keyword:  # overrides changedsince (§3)
            searched = (c.name, c.code, c.get("externalidentifier"), c.get("nameextension"))
            return any(keyword in text.lower() for text in searched)
        return since is None or ctx.local(c.modified).date() >= since

    rows = []
    for customer in sorted(ctx.company.customers.values(), key=lambda c: c.key):
        if not wanted(customer):
            continue
        row = node("Customer")
        add(row, "Netvisorkey", str(customer.key))
        add(row, "Name", customer.name)
        add(row, "Code", customer.code)
        add(row, "OrganisationIdentifier", customer.get("externalidentifier"))
        group = customer.get("customergroupname")
        add(row, "CustomerGroupID", "1" if group else "")
        add(row, "CustomerGroupName", group)
        add(row, "Uri", f"{ctx.base}/getcustomer.nv?id={customer.key}")
        rows.append(row)
    return ctx.listing("Customerlist", rows)


def get_customer(ctx: Ctx) -> list[Element]:
    ctx.reading()
    if "idlist" in ctx.params:
        keys = ctx.keys("idlist", MAX_IDS)
        return [node("Customers", children=[render(ctx, _find(ctx, k)) for k in keys])]
    key = xmlin.integer(ctx.param("id") or "", "id")
    return [render(ctx, _find(ctx, key))]


def _find(ctx: Ctx, key: int) -> Customer:
    customer = ctx.company.customers.get(key)
    if customer is None:
        raise invalid(f"Customer not found with Netvisor identifier: {key}")
    return customer


def render(ctx: Ctx, c: Customer) -> Element:
    """As HEL ``GetCustomer.xml``."""
    out = node("Customer")
    base = add(out, "CustomerBaseInformation")
    add(base, "NetvisorKey", str(c.key))
    add(base, "InternalIdentifier", c.code)
    add(base, "ExternalIdentifier", c.get("externalidentifier"))
    group = c.get("customergroupname")
    add(base, "CustomerGroupNetvisorKey", "1" if group else "")
    add(base, "CustomerGroupName", group)
    for tag in ("Name", "NameExtension", "StreetAddress", "City", "PostNumber"):
        add(base, tag, c.get(tag.lower()))
    add(base, "Country", c.get("country"), type="ISO-3166")
    for tag in ("PhoneNumber", "FaxNumber", "Email", "EmailInvoicingAddress", "HomePageUri"):
        add(base, tag, c.get(tag.lower()))
    add(base, "IsActive", c.get("isactive") or "1")
    finvoice = add(out, "CustomerFinvoiceDetails")
    for tag in ("FinvoiceAddress", "FinvoiceRouterCode"):
        add(finvoice, tag, c.get(tag.lower(), "customerfinvoicedetails"))
    delivery = add(out, "CustomerDeliveryDetails")
    for tag in ("DeliveryName", "DeliveryStreetAddress", "DeliveryCity", "DeliveryPostNumber"):
        add(delivery, tag, c.get(tag.lower(), "customerdeliverydetails"))
    contact = add(out, "CustomerContactDetails")
    for tag in ("ContactPerson", "ContactPersonEmail", "ContactPersonPhone"):
        add(contact, tag, c.get(tag.lower(), "customercontactdetails"))
    more = add(out, "CustomerAdditionalInformation")
    section = "customeradditionalinformation"
    add(more, "Comment", c.get("comment", section))
    add(more, "ReferenceNumber", c.get("customerreferencenumber", section))
    add(more, "BalanceLimit", "")
    for tag in (
        "YourDefaultReference",
        "DefaultTextBeforeInvoiceLines",
        "DefaultTextAfterInvoiceLines",
    ):
        add(more, tag, c.get(tag.lower(), section))
    return out
