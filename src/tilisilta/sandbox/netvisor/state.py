"""What the Netvisor sandbox holds: partners and API users (who may call), companies (whose
books), and in each company its registers and documents. Plain data; the rules live in the
resource modules. Every NetvisorKey series is sequential per register (§8.2 item 9)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass
class Partner:
    """A software partner: the id and key Netvisor partner support hands out (§2)."""

    partner_id: str
    partner_key: str


@dataclass
class ApiUser:
    """An API identifier made in Netvisor (Company > API identifiers) for some companies (§2,
    §8.2 item 5). ``resources`` None: every resource granted; otherwise only those named."""

    customer_id: str
    customer_key: str
    companies: set[str]
    resources: set[str] | None = None
    expired: bool = False


@dataclass
class Customer:
    key: int
    #: Stored values by ``section/element`` (e.g. ``customerbaseinformation/name``).
    fields: dict[str, str]
    modified: datetime

    def get(self, name: str, section: str = "customerbaseinformation") -> str:
        return self.fields.get(f"{section}/{name}", "")

    @property
    def code(self) -> str:
        return self.get("internalidentifier")

    @property
    def name(self) -> str:
        return self.get("name")


@dataclass
class Product:
    key: int
    fields: dict[str, str]
    modified: datetime

    def get(self, name: str, section: str = "productbaseinformation") -> str:
        return self.fields.get(f"{section}/{name}", "")

    @property
    def code(self) -> str:
        return self.get("productcode")


@dataclass
class InvoiceLine:
    product_key: int | None  # None: a comment line
    identifier: str = ""
    identifier_type: str = ""
    name: str = ""
    unit_price: Decimal = Decimal(0)
    price_type: str = "net"
    vat_percent: Decimal = Decimal(0)
    vat_code: str = ""
    quantity: Decimal = Decimal(0)
    discount: Decimal = Decimal(0)
    free_text: str = ""
    net: Decimal = Decimal(0)
    vat: Decimal = Decimal(0)
    account: str = ""
    dimensions: list[tuple[str, str]] = field(default_factory=list)
    unit_name: str = ""
    comment: str = ""

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


@dataclass
class SalesInvoice:
    key: int
    #: Header values by element name, as last given (edit semantics, §8.2 item 19).
    header: dict[str, str]
    attrs: dict[str, dict[str, str]]
    lines: list[InvoiceLine]
    number: str | None
    reference: str
    invoice_type: str  # invoice | order | invoicedraft
    status: str  # open, unsent, paid, creditloss, delivered, undelivered, …
    substatus: str
    amount: Decimal  # the total as kept (given, or computed when empty/0)
    currency: str
    customer_key: int
    invoice_date: date
    due_date: date | None
    voucher: int | None  # the sales voucher, once created (§8.2 item 10)
    created: datetime
    modified: datetime
    paid: Decimal = Decimal(0)  # payments and matched credit notes
    payments_modified: datetime | None = None
    matched: list[int] = field(default_factory=list)
    attachments: list[dict[str, str]] = field(default_factory=list)

    @property
    def open_sum(self) -> Decimal:
        return self.amount - self.paid

    @property
    def is_credit_note(self) -> bool:
        return self.amount < 0

    @property
    def expects_partial_payments(self) -> bool:
        return self.header.get("expectpartialpayments", "") in ("1", "true")


@dataclass
class SalesPayment:
    key: int
    name: str
    payment_date: date
    amount: Decimal
    reference: str
    invoice_key: int | None
    invoice_number: str
    currency: str
    voucher: int | None
    modified: datetime
    bank_status: str = "OK"
    bank_error: tuple[str, str] | None = None  # (code, text)
    payment_method: str = ""


@dataclass
class Attachment:
    key: int
    file_name: str
    content_type: str
    data_base64: str
    comment: str = ""


@dataclass
class PurchaseLine:
    key: int
    product_code: str
    product_name: str
    quantity: Decimal
    unit_price: Decimal
    vat_percent: Decimal
    vat_code: str
    line_sum: Decimal  # gross
    description: str = ""
    account: str = ""

    @property
    def net(self) -> Decimal:
        return (self.line_sum / (1 + self.vat_percent / 100)).quantize(Decimal("0.0001"))


@dataclass
class PurchaseInvoice:
    key: int
    number: str
    invoice_date: date
    due_date: date
    vendor_name: str
    vendor_business_id: str
    vendor_code: str
    amount: Decimal
    approval: str  # open (in factual verification) | approved | accepted (§3, §8.2 item 16)
    lines: list[PurchaseLine]
    attachments: list[Attachment]
    modified: datetime
    currency: str = "EUR"
    reference: str = ""
    paid: Decimal = Decimal(0)
    description: str = ""
    vendor_bank_account: str = ""
    vendor_address: tuple[str, str, str, str] = ("", "", "", "FI")
    voucher: int | None = None

    @property
    def open_sum(self) -> Decimal:
        return self.amount - self.paid


@dataclass
class Company:
    business_id: str
    name: str
    customers: dict[int, Customer] = field(default_factory=dict)
    products: dict[int, Product] = field(default_factory=dict)
    sales_invoices: dict[int, SalesInvoice] = field(default_factory=dict)
    payments: dict[int, SalesPayment] = field(default_factory=dict)
    purchase_invoices: dict[int, PurchaseInvoice] = field(default_factory=dict)
    #: Chart of accounts: number -> name (accounts must already exist; seed 004, §8.2 item 8).
    accounts: dict[str, str] = field(default_factory=dict)
    #: Documents dated on or before this day are refused with PERIOD_LOCK (§8.2 item 17).
    locked_until: date | None = None
    bank_account: str = "FI2112345600000785"
    _keys: dict[str, int] = field(default_factory=dict)

    def next_key(self, series: str) -> int:
        value = self._keys.get(series, 0) + 1
        self._keys[series] = value
        return value

    def customer_by(self, kind: str, value: str) -> Customer | None:
        for customer in self.customers.values():
            if kind == "netvisor" and str(customer.key) == value:
                return customer
            if kind == "customer" and customer.code and customer.code == value:
                return customer
            if kind == "organizationunitnumber" and customer.get("organizationunitnumber") == value:
                return customer
        return None

    def product_by(self, kind: str, value: str) -> Product | None:
        field_name = {
            "customer": "productcode",
            "primaryeancode": "primaryeancode",
            "secondaryeancode": "secondaryeancode",
        }.get(kind)
        for product in self.products.values():
            if kind == "netvisor" and str(product.key) == value:
                return product
            if field_name and product.get(field_name) and product.get(field_name) == value:
                return product
        return None
