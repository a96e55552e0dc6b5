"""Netvisor's failures: the nine codes and their texts in the three interface languages.

A failure is answered as ``<Status>FAILED</Status><Status>CODE :: text</Status>`` (reference
netvisor.md §3, §8.2 item 4). The texts follow ``X-Netvisor-Interface-Language`` (§2, §8.2 item 2):
the EN and FI authentication texts and the EN "Customer not found" text are Netvisor's own (NVD
77000500440; HEL fixtures); the other wordings are ours [assumed], only the codes are documented.
"""

from __future__ import annotations

from typing import Any

AUTHENTICATION_FAILED = "AUTHENTICATION_FAILED"
INVALID_DATA = "INVALID_DATA"
INVALID_DATA_SIZE = "INVALID_DATA_SIZE"
DUPLICATE_DATA = "DUPLICATE_DATA"
REQUEST_NOT_UNIQUE = "REQUEST_NOT_UNIQUE"
PERIOD_LOCK = "PERIOD_LOCK"
SERVICE_ACCESS_ERROR = "SERVICE_ACCESS_ERROR"
SYSTEM_MAINTANANCE = "SYSTEM_MAINTANANCE"  # sic: the clients' spelling (§3)
TECHNICAL_ERROR = "TECHNICAL_ERROR"

CODES = (
    AUTHENTICATION_FAILED,
    INVALID_DATA,
    INVALID_DATA_SIZE,
    DUPLICATE_DATA,
    REQUEST_NOT_UNIQUE,
    PERIOD_LOCK,
    SERVICE_ACCESS_ERROR,
    SYSTEM_MAINTANANCE,
    TECHNICAL_ERROR,
)

#: HTTP status per code when the client asks for ``UseHTTPResponseStatusCodes: 1``; otherwise
#: every answer is 200 (§2, §8.2 item 4). The mapping is undocumented [assumed].
HTTP_STATUS = {
    AUTHENTICATION_FAILED: 401,
    INVALID_DATA: 400,
    INVALID_DATA_SIZE: 400,
    DUPLICATE_DATA: 409,
    REQUEST_NOT_UNIQUE: 409,
    PERIOD_LOCK: 409,
    SERVICE_ACCESS_ERROR: 403,
    SYSTEM_MAINTANANCE: 503,
    TECHNICAL_ERROR: 500,
}

LANGUAGES = ("FI", "EN", "SE")
DEFAULT_LANGUAGE = "FI"  # Netvisor is Finnish; a missing header is refused anyway

_INVALID = {
    "FI": "Tietojen muoto virheellinen:. ",
    "EN": "Data form incorrect:. ",  # HEL GetCustomerNotFound.xml
    "SE": "Dataformatet är felaktigt:. ",
}

# key -> (FI, EN, SE)
TEXTS: dict[str, tuple[str, str, str]] = {
    "keys": (
        "Integraatiokumppania ei löydy, katso dokumentaatio",  # HEL AuthenticationFailed.xml
        "Integration keys are not valid. Please check the keys specific to the user and partner.",
        "Integrationsnycklarna är inte giltiga. Kontrollera användarens och partnerns nycklar.",
    ),
    "header": (
        "Pakollinen otsake puuttuu: {name}",
        "A required header is missing: {name}",
        "En obligatorisk rubrik saknas: {name}",
    ),
    "language": (
        "Tuntematon kieli: {value}",
        "Unknown interface language: {value}",
        "Okänt gränssnittsspråk: {value}",
    ),
    "algorithm": (
        "Tuntematon MAC-algoritmi: {value}",
        "Unknown MAC hash calculation algorithm: {value}",
        "Okänd MAC-algoritm: {value}",
    ),
    "skew": (
        "Aikaleima ei kelpaa: {value}",
        "The timestamp is not valid: {value}",
        "Tidsstämpeln är inte giltig: {value}",
    ),
    "organisation": (
        "Käyttäjällä ei ole oikeutta yritykseen {value}",
        "The user has no access to the organisation {value}",
        "Användaren har ingen åtkomst till organisationen {value}",
    ),
    "expired": (
        "Rajapintatunniste on vanhentunut",
        "The API identifier has expired",
        "API-identifieraren har gått ut",
    ),
    "replay": (
        "Sama tapahtumatunniste on jo käytetty: {value}",
        "The transaction id has been used before: {value}",
        "Transaktions-id:t har redan använts: {value}",
    ),
    "access": (
        "Käyttäjällä ei ole oikeutta resurssiin {value}",
        "The user has no right to the resource {value}",
        "Användaren har ingen rätt till resursen {value}",
    ),
    "busy": (
        "Yritykselle on jo käsittelyssä pyyntö, lähetä yksi pyyntö kerrallaan",
        "Another request to this company is being processed; send one request at a time",
        "En annan begäran till företaget behandlas; skicka en begäran åt gången",
    ),
    "maintenance": (
        "Järjestelmä on huoltotilassa",
        "The system is under maintenance",
        "Systemet är under underhåll",
    ),
    "technical": (
        "Tekninen virhe",
        "A technical error occurred",
        "Ett tekniskt fel uppstod",
    ),
    "period": (
        "Kausi on lukittu: {value}",
        "The accounting period is locked: {value}",
        "Perioden är låst: {value}",
    ),
    "duplicate": (
        "{what} on jo Netvisorissa: {value}",
        "{what} already exists in Netvisor: {value}",
        "{what} finns redan i Netvisor: {value}",
    ),
    "size": (
        "Liian monta tunnistetta parametrissa {name}: {count} (enintään {limit})",
        "Too many identifiers in {name}: {count} (at most {limit})",
        "För många identifierare i {name}: {count} (högst {limit})",
    ),
}


def text(key: str, language: str, **values: Any) -> str:
    """A text in the request's language (FI when the header named none we know)."""
    index = LANGUAGES.index(language) if language in LANGUAGES else 0
    return TEXTS[key][index].format(**values)


def invalid_prefix(language: str) -> str:
    return _INVALID.get(language, _INVALID[DEFAULT_LANGUAGE])


class NetvisorError(Exception):
    """A refusal in Netvisor's envelope. ``key`` names a localized text (``TEXTS``); a message
    given as ``detail`` is used as is after the INVALID_DATA prefix."""

    def __init__(
        self, code: str, key: str | None = None, *, detail: str | None = None, **values: Any
    ) -> None:
        assert code in CODES, code
        self.code = code
        self.key = key
        self.detail = detail
        self.values = values
        super().__init__(f"{code} :: {detail or key}")

    def message(self, language: str) -> str:
        body = text(self.key, language, **self.values) if self.key else (self.detail or "")
        if self.code in (INVALID_DATA, INVALID_DATA_SIZE) and self.key != "size":
            return invalid_prefix(language) + body
        return body


def invalid(detail: str) -> NetvisorError:
    """``INVALID_DATA :: Data form incorrect:. <detail>``; the detail names the element and value
    in Netvisor's own (English, lower-case DTD) terms so every language carries it."""
    return NetvisorError(INVALID_DATA, detail=detail)
