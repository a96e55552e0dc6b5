"""The Netvisor sandbox: who may call, which companies it holds, the switches, and the
controls tests, demos and the admin API use to seed what only Netvisor's users or the bank
could make (purchase invoices, bank payments, locked periods)."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

from starlette.responses import Response

from tilisilta.clock import Clock
from tilisilta.sandbox.common.base import SandboxBase
from tilisilta.sandbox.common.recording import LoggedRequest

from . import payments, salesinvoices
from .app import build_app, failure_response
from .errors import NetvisorError
from .state import (
    ApiUser,
    Attachment,
    Company,
    Customer,
    Partner,
    Product,
    PurchaseInvoice,
    PurchaseLine,
    SalesPayment,
)
from .switches import Switches

#: A small chart of accounts (a Finnish default chart's numbers; HEL AccountList.xml).
DEFAULT_ACCOUNTS = {
    "1701": "Myyntisaamiset",
    "1702": "Myyntisaamiset",
    "2871": "Ostovelat",
    "2939": "Arvonlisäverovelka",
    "3000": "Myynti",
    "3010": "Myynti kotimaa",
    "3200": "Palvelumyynti",
    "3360": "Myynti EU",
    "3380": "Myynti EU:n ulkopuolelle",
    "4000": "Ostot",
}


class NetvisorSandbox(SandboxBase[LoggedRequest]):
    """A strict in-memory Netvisor. ``app`` serves ``/<resource>.nv`` like
    ``https://isvapi.netvisor.fi``; companies are keyed by business ID (Organisation-ID)."""

    def __init__(
        self, clock: Clock | None = None, seed: int = 0, public_base_url: str | None = None
    ) -> None:
        super().__init__(clock=clock, seed=seed, entry=LoggedRequest)
        self._rng = random.Random(seed)
        self.partners: dict[str, Partner] = {}
        self.users: dict[str, ApiUser] = {}
        self.companies: dict[str, Company] = {}
        #: (scope, transaction id) of every authenticated request (§8.2 item 3: no expiry).
        self.transactions: set[tuple[str, str]] = set()
        self.switches = Switches()
        #: The base URL clients sign (§8.2 item 1); None: the scheme and Host of each request.
        self.public_base_url = public_base_url.rstrip("/") if public_base_url else None
        #: Requests in flight per Organisation-ID (the overlap guard).
        self.in_flight: dict[str, int] = {}
        self.app = build_app(self)

    # --- setup -----------------------------------------------------------------------------

    def new_secret(self) -> str:
        with self.lock:
            return f"{self._rng.getrandbits(128):032x}"

    def add_partner(self, partner_id: str | None = None, partner_key: str | None = None) -> Partner:
        with self.lock:
            partner = Partner(
                partner_id or f"PARTNER_{self._rng.getrandbits(24):06x}",
                partner_key or self.new_secret(),
            )
            self.partners[partner.partner_id] = partner
            return partner

    def add_user(
        self,
        companies: list[str],
        customer_id: str | None = None,
        customer_key: str | None = None,
        resources: set[str] | None = None,
    ) -> ApiUser:
        """An API identifier that opens ``companies`` (business IDs); ``resources`` limits it
        to those ``.nv`` resources (§8.2 item 5)."""
        with self.lock:
            user = ApiUser(
                customer_id or f"TK_{self._rng.getrandbits(32):08x}",
                customer_key or self.new_secret(),
                set(companies),
                {r.lower() for r in resources} if resources is not None else None,
            )
            self.users[user.customer_id] = user
            return user

    def add_company(
        self, business_id: str, name: str = "Demo Oy", *, temp_customer: bool = True
    ) -> Company:
        """A company as a fresh test environment has it: the chart of accounts and the
        "Temporary customer" TEMP (AVA test.xml; §8.2 item 8) but no TEMP product."""
        with self.lock:
            if business_id in self.companies:
                raise ValueError(f"company {business_id} exists")
            company = Company(business_id, name, accounts=dict(DEFAULT_ACCOUNTS))
            self.companies[business_id] = company
            if temp_customer:
                self.add_customer(business_id, {"name": "Temporary customer", "code": "TEMP"})
            return company

    def add_customer(self, business_id: str, data: dict[str, Any]) -> Customer:
        """A customer someone made in Netvisor by hand: name, and optionally code, business_id,
        street, post_number, city, country, email."""
        names = {
            "name": "name",
            "code": "internalidentifier",
            "business_id": "externalidentifier",
            "street": "streetaddress",
            "post_number": "postnumber",
            "city": "city",
            "country": "country",
            "email": "email",
        }
        unknown = sorted(set(data) - set(names))
        if unknown or not str(data.get("name") or "").strip():
            raise ValueError(f"a customer needs a name; unknown fields: {unknown}")
        with self.lock:
            company = self.companies[business_id]
            code = str(data.get("code") or "")
            if code and any(c.code == code for c in company.customers.values()):
                raise ValueError(f"customer code {code} exists")
            fields = {f"customerbaseinformation/{names[k]}": str(v) for k, v in data.items() if v}
            customer = Customer(company.next_key("customer"), fields, self.clock.now())
            company.customers[customer.key] = customer
            return customer

    def add_product(self, business_id: str, data: dict[str, Any]) -> Product:
        """A product made by hand: code, name, unit_price (net), vat_percent, group, unit."""
        for key in ("code", "name", "unit_price"):
            if not str(data.get(key) or "").strip():
                raise ValueError(f"{key} is required")
        price, vat = Decimal(str(data["unit_price"])), Decimal(str(data.get("vat_percent", "25.5")))
        with self.lock:
            company = self.companies[business_id]
            if company.product_by("customer", str(data["code"])):
                raise ValueError(f"product code {data['code']} exists")
            base = "productbaseinformation"
            fields = {
                f"{base}/productcode": str(data["code"]),
                f"{base}/productgroup": str(data.get("group") or "Tuotteet"),
                f"{base}/name": str(data["name"]),
                f"{base}/unitprice": str(price),
                f"{base}/unitprice@type": "net",
                f"{base}/unit": str(data.get("unit") or "kpl"),
                f"{base}/isactive": "1",
                f"{base}/issalesproduct": "1",
                "productbookkeepingdetails/defaultvatpercentage": str(vat),
            }
            product = Product(company.next_key("product"), fields, self.clock.now())
            company.products[product.key] = product
            return product

    def add_purchase_invoice(self, business_id: str, data: dict[str, Any]) -> PurchaseInvoice:
        """A purchase invoice as a vendor's e-invoice arrives: number, date, due_date, vendor,
        vendor_business_id, lines [{name, quantity, unit_price, vat_percent, vat_code,
        line_sum}], attachments [{file_name, content_type, data_base64}], approval
        (open|approved|accepted)."""
        with self.lock:
            company = self.companies[business_id]
            lines = [
                PurchaseLine(
                    key=company.next_key("purchaseline"),
                    product_code=str(line.get("code", "")),
                    product_name=str(line["name"]),
                    quantity=Decimal(str(line.get("quantity", 1))),
                    unit_price=Decimal(str(line["unit_price"])),
                    vat_percent=Decimal(str(line.get("vat_percent", "25.5"))),
                    vat_code=str(line.get("vat_code", "KOOS")),
                    line_sum=Decimal(str(line["line_sum"])),
                    description=str(line.get("description", "")),
                    account=str(line.get("account", "4000")),
                )
                for line in data.get("lines", [])
            ]
            attachments = [
                Attachment(
                    company.next_key("attachment"),
                    str(a["file_name"]),
                    str(a.get("content_type", "application/pdf")),
                    str(a["data_base64"]),
                    str(a.get("comment", "")),
                )
                for a in data.get("attachments", [])
            ]
            approval = str(data.get("approval", "open"))
            if approval not in ("open", "approved", "accepted"):
                raise ValueError("approval must be open, approved or accepted")
            amount = Decimal(
                str(data.get("amount") or sum((x.line_sum for x in lines), Decimal(0)))
            )
            invoice = PurchaseInvoice(
                key=company.next_key("purchaseinvoice"),
                number=str(data["number"]),
                invoice_date=date.fromisoformat(str(data["date"])),
                due_date=date.fromisoformat(str(data.get("due_date") or data["date"])),
                vendor_name=str(data["vendor"]),
                vendor_business_id=str(data.get("vendor_business_id", "")),
                vendor_code=str(data.get("vendor_code", "")),
                amount=amount,
                approval=approval,
                lines=lines,
                attachments=attachments,
                modified=self.clock.now(),
                reference=str(data.get("reference", "")),
                description=str(data.get("description", "")),
                vendor_bank_account=str(data.get("vendor_bank_account", "")),
            )
            company.purchase_invoices[invoice.key] = invoice
            return invoice

    def add_bank_payment(
        self,
        business_id: str,
        amount: Decimal,
        day: date,
        *,
        invoice_number: str | None = None,
        name: str = "",
        reference: str | None = None,
        bank_status: str = "OK",
        bank_error: tuple[str, str] | None = None,
    ) -> SalesPayment:
        """A payment (negative: a refund) the bank brought in, targeted to the invoice with
        ``invoice_number`` if given (seed 004: negative payment records exist)."""
        with self.lock:
            company = self.companies[business_id]
            invoice = None
            if invoice_number is not None:
                invoice = payments.find_target(company, "invoicenumber", invoice_number)
                if invoice is None:
                    raise KeyError(f"no invoice {invoice_number}")
            return payments.record(
                company,
                invoice,
                amount=amount,
                day=day,
                name=name,
                now=self.clock.now(),
                reference=reference,
                bank_status=bank_status,
                bank_error=bank_error,
            )

    def lock_period(self, business_id: str, until: date | None) -> None:
        """Lock the books up to and including ``until`` (None unlocks; §8.2 item 17)."""
        with self.lock:
            self.companies[business_id].locked_until = until

    # --- used by the app -------------------------------------------------------------------

    def failure(self, refusal: NetvisorError, language: str, use_codes: bool) -> Response:
        declaration = not self.switches.omit_xml_declaration
        return failure_response(self.clock.now(), refusal, language, use_codes, declaration)

    def numbering_snapshot(self, business_id: str) -> dict[str, str] | None:
        company = self.companies.get(business_id.strip())
        if company is None:
            return None
        series = {i.header.get("secondname", "") for i in company.sales_invoices.values()} | {""}
        return {
            f"{kind}:{s}": salesinvoices.next_number(company, kind, s)
            for kind in ("invoice", "order")
            for s in series
        }

    # --- demo ------------------------------------------------------------------------------

    @classmethod
    def with_demo_company(
        cls, clock: Clock | None = None, seed: int = 0, public_base_url: str | None = None
    ) -> tuple[NetvisorSandbox, dict[str, str]]:
        from .demo import seed_demo

        sb = cls(clock=clock, seed=seed, public_base_url=public_base_url)
        return sb, seed_demo(sb)
