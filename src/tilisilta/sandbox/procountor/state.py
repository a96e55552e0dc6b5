"""In-memory state of the Procountor sandbox: registered clients, API keys, tokens and, per
company, everything a company holds (its own id sequences included, since Procountor ids are
unique per company only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")

# Where each per-company id sequence starts. Different bases keep an invoice id from being
# mistaken for an invoice number or a ledger receipt id in tests; the same bases in every company
# make ids collide across companies, as they can in Procountor.
ID_BASES = {
    "invoice": 100_001,
    "invoice_number": 1,
    "invoice_row": 900_001,
    "ledger_receipt": 500_001,
    "receipt_number": 1,
    "transaction": 700_001,
    "partner": 200_001,
    "product": 300_001,
    "product_group": 400_001,
    "reference": 1_000,
    "payment_event": 800_001,
    "attachment": 600_001,
    "dimension_item": 6_001,
}


@dataclass
class SandboxClient:
    """Our integration as Procountor knows it (client id, secret and redirect URI)."""

    client_id: str
    client_secret: str
    redirect_uri: str


@dataclass
class ApiKey:
    key: str
    company_id: int
    client_id: str
    revoked: bool = False


@dataclass
class AccessToken:
    token: str
    client_id: str
    company_id: int
    expires_at: datetime


@dataclass
class TrackingPeriod:
    id: int
    start: date
    end: date
    status: str  # OPEN | CLOSED | PENDING
    modified: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "startDate": self.start.isoformat(),
            "endDate": self.end.isoformat(),
            "status": self.status,
            "modified": self.modified,
        }


@dataclass
class FiscalYear:
    id: int
    start: date
    end: date
    periods: list[TrackingPeriod]
    modified: str

    @property
    def is_open(self) -> bool:
        return any(p.status != "CLOSED" for p in self.periods)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "startDate": self.start.isoformat(),
            "endDate": self.end.isoformat(),
            "modified": self.modified,
            "trackingPeriods": [p.as_json() for p in self.periods],
            "isOpen": self.is_open,
        }


@dataclass(frozen=True)
class VatStatus:
    code: int
    description: str
    sales: bool
    purchase: bool


@dataclass(frozen=True)
class LedgerAccount:
    code: str
    name: str
    active: bool = True


@dataclass(frozen=True)
class DimensionItem:
    id: int
    code_name: str
    description: str
    active: bool = True


@dataclass(frozen=True)
class Dimension:
    id: int
    name: str
    items: tuple[DimensionItem, ...]


RECEIVABLES_ACCOUNT = "1700"
DEFAULT_SALES_ACCOUNT = "3000"
# Our choice: where rounding remainders of generated or auto-reconciled receipts go.
ROUNDING_ACCOUNT = "8990"

SEED_VAT_PERCENTS = (Decimal("25.5"), Decimal("13.5"), Decimal("10"), Decimal("0"))
SEED_VAT_STATUSES = (
    VatStatus(1, "Domestic", sales=True, purchase=True),
    VatStatus(3, "Outside the EU", sales=True, purchase=True),
    VatStatus(5, "EU community sales (goods)", sales=True, purchase=False),
    VatStatus(12, "No VAT handling", sales=True, purchase=True),
    # Statuses beyond the four above are per company; these numbers and texts are ours.
    VatStatus(7, "EU community sales (services)", sales=True, purchase=False),
    VatStatus(9, "Construction services sales (reverse charge)", sales=True, purchase=False),
    # Purchase-only, so "not enabled for sales" can be exercised (number and text are ours).
    VatStatus(6, "EU community purchases (goods)", sales=False, purchase=True),
)
SEED_ACCOUNTS = (
    LedgerAccount("1700", "Myyntisaamiset"),
    LedgerAccount("1763", "Arvonlisäverosaamiset"),
    LedgerAccount("1910", "Pankkitili"),
    LedgerAccount("2871", "Ostovelat"),
    LedgerAccount("2939", "Arvonlisäverovelka"),
    LedgerAccount("3000", "Myynti"),
    LedgerAccount("3010", "Palvelumyynti"),
    LedgerAccount("3340", "Yhteisömyynti"),
    LedgerAccount("3360", "Myynti EU:n ulkopuolelle"),
    LedgerAccount("3900", "Vanha myyntitili", active=False),
    LedgerAccount("4000", "Ostot"),
    LedgerAccount(ROUNDING_ACCOUNT, "Pyöristyserot"),
)
SEED_DIMENSIONS = (
    Dimension(
        4001,
        "Kustannuspaikka",
        (
            DimensionItem(5001, "HKI", "Helsinki"),
            DimensionItem(5002, "TRE", "Tampere"),
            DimensionItem(5003, "OUL", "Oulu (closed)", active=False),
        ),
    ),
    Dimension(
        4002,
        "Projekti",
        (DimensionItem(5101, "P100", "Project 100"), DimensionItem(5102, "P200", "Project 200")),
    ),
)


@dataclass
class StoredAttachment:
    """An attachment's metadata as the API shows it, and the file itself."""

    meta: dict[str, Any]
    content: bytes


def local_now(moment: datetime) -> datetime:
    """Procountor timestamps are Finnish local time without a zone, to the second."""
    return moment.astimezone(HELSINKI).replace(tzinfo=None, microsecond=0)


def timestamp(moment: datetime) -> str:
    return local_now(moment).strftime("%Y-%m-%dT%H:%M:%S")


def next_version(previous: str | None, moment: datetime) -> str:
    """A version strictly later than ``previous``: a clock that did not move still yields a new
    version, so a stale version is always detected."""
    current = local_now(moment)
    if previous is not None:
        before = datetime.strptime(previous, "%Y-%m-%dT%H:%M:%S")
        if current <= before:
            current = before + timedelta(seconds=1)
    return current.strftime("%Y-%m-%dT%H:%M:%S")


@dataclass
class SandboxCompany:
    """One Procountor environment (company) and all it holds."""

    company_id: int
    name: str
    business_id: str
    country: str = "FINLAND"
    currency: str = "EUR"
    #: PATCH /businesspartners read as its schema is written (COMPARISON.md §7): the body must
    #: carry name, type and paymentInfo.paymentMethod; off, PATCH is partial as its prose says.
    patch_schema_literal: bool = False
    bank_accounts: list[dict[str, Any]] = field(default_factory=list)
    vat_percents: tuple[Decimal, ...] = SEED_VAT_PERCENTS
    vat_statuses: dict[int, VatStatus] = field(default_factory=dict)
    accounts: dict[str, LedgerAccount] = field(default_factory=dict)
    dimensions: dict[int, Dimension] = field(default_factory=dict)
    fiscal_years: list[FiscalYear] = field(default_factory=list)
    invoices: dict[int, dict[str, Any]] = field(default_factory=dict, repr=False)
    invoice_created: dict[int, str] = field(default_factory=dict, repr=False)
    ledger_receipts: dict[int, dict[str, Any]] = field(default_factory=dict, repr=False)
    ledger_created: dict[int, str] = field(default_factory=dict, repr=False)
    partners: dict[int, dict[str, Any]] = field(default_factory=dict, repr=False)
    products: dict[int, dict[str, Any]] = field(default_factory=dict, repr=False)
    product_groups: dict[int, dict[str, Any]] = field(default_factory=dict, repr=False)
    references: set[str] = field(default_factory=set, repr=False)
    #: Payment events by event id (ids are per company, like every Procountor id).
    payment_events: dict[int, dict[str, Any]] = field(default_factory=dict, repr=False)
    #: The status an invoice had before its first payment, to return to when payments are undone.
    unpaid_status: dict[int, str] = field(default_factory=dict, repr=False)
    attachments: dict[int, StoredAttachment] = field(default_factory=dict, repr=False)
    #: Registered webhooks by uuid.
    webhooks: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    _next: dict[str, int] = field(default_factory=lambda: dict(ID_BASES), repr=False)

    @property
    def iban(self) -> str:
        return str(self.bank_accounts[0]["iban"])

    @property
    def ibans(self) -> set[str]:
        return {str(a["iban"]) for a in self.bank_accounts}

    def next_id(self, sequence: str) -> int:
        value = self._next[sequence]
        self._next[sequence] = value + 1
        return value

    def period_for(self, day: date) -> TrackingPeriod | None:
        for year in self.fiscal_years:
            for period in year.periods:
                if period.start <= day <= period.end:
                    return period
        return None

    def vat_percent_in_use(self, percent: Decimal) -> bool:
        return any(percent == p for p in self.vat_percents)


def new_company(
    company_id: int, name: str, business_id: str, now: datetime, country: str = "FINLAND"
) -> SandboxCompany:
    company = SandboxCompany(company_id=company_id, name=name, business_id=business_id)
    company.country = country
    company.vat_statuses = {s.code: s for s in SEED_VAT_STATUSES}
    company.accounts = {a.code: a for a in SEED_ACCOUNTS}
    company.dimensions = {d.id: d for d in SEED_DIMENSIONS}
    company.bank_accounts = [_bank_account(company_id, now)]
    company.fiscal_years = _fiscal_years(local_now(now).date(), timestamp(now))
    return company


def _bank_account(company_id: int, now: datetime) -> dict[str, Any]:
    iban = finnish_iban(company_id)
    return {
        "id": 1,
        "accountNumber": iban[4:],
        "iban": iban,
        "bic": "NDEAFIHH",
        "bankName": "Sandbox Bank",
        "currency": "EUR",
        "defaultForInvoice": True,
        "defaultForPayment": True,
        "status": "ACTIVE",
        "orderNo": 1,
        "version": timestamp(now),
        "ledgerAccount": "1910",
        "showAccountOnInvoice": True,
        "allowPayments": True,
        "allowForeignPayments": False,
    }


def finnish_iban(number: int) -> str:
    """A valid Finnish IBAN: bank code, the number, a Luhn check digit, IBAN check digits."""
    body = f"123456{number:07d}"
    total = 0
    for i, digit in enumerate(reversed(body)):
        value = int(digit) * (2 if i % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    bban = body + str((10 - total % 10) % 10)
    rearranged = bban + "FI00"
    numeric = int("".join(str(int(c, 36)) for c in rearranged))
    return f"FI{98 - numeric % 97:02d}{bban}"


def _fiscal_years(today: date, modified: str) -> list[FiscalYear]:
    """The current calendar year, open, and the previous one with every month CLOSED."""
    years: list[FiscalYear] = []
    period_id = 8001
    for offset, status in ((0, "OPEN"), (-1, "CLOSED")):
        year = today.year + offset
        periods = []
        for month in range(1, 13):
            start = date(year, month, 1)
            end = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
            periods.append(TrackingPeriod(period_id, start, end, status, modified))
            period_id += 1
        years.append(
            FiscalYear(
                7001 + (offset * -1), date(year, 1, 1), date(year, 12, 31), periods, modified
            )
        )
    return years  # newest first, as GET /fiscalyears lists them
