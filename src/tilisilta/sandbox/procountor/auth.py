"""M2M authentication: ``POST /api/oauth/token`` (client credentials + API key) and bearer checks.

The token request must be ``application/x-www-form-urlencoded`` with no charset parameter and all
five fields in the body. Token errors use the OAuth shape ``{"error", "error_description"}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response

from . import errors as e
from .errors import ApiError
from .jsonio import JSONResponse
from .state import AccessToken, SandboxCompany

if TYPE_CHECKING:
    from .sandbox import ProcountorSandbox

TOKEN_LIFETIME = timedelta(seconds=3600)
TOKEN_FIELDS = ("grant_type", "client_id", "client_secret", "redirect_uri", "api_key")
FORM = "application/x-www-form-urlencoded"


class TokenError(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description

    def response(self) -> Response:
        return JSONResponse(
            {"error": self.error, "error_description": self.description},
            status_code=self.status,
            headers={"Cache-Control": "no-store"},
        )


async def token_endpoint(sb: ProcountorSandbox, request: Request) -> Response:
    try:
        return await _issue(sb, request)
    except TokenError as problem:
        return problem.response()


async def _issue(sb: ProcountorSandbox, request: Request) -> Response:
    media_type, *params = (request.headers.get("content-type") or "").split(";")
    if media_type.strip().lower() != FORM:
        raise TokenError(400, "invalid_request", f"Content-Type must be {FORM}")
    if any(p.split("=")[0].strip().lower() == "charset" for p in params):
        # Since 24.08 Procountor refuses a charset parameter on the token request.
        raise TokenError(400, "invalid_request", f"Content-Type must be {FORM} without charset")
    in_query = sorted(set(TOKEN_FIELDS[1:]) & set(request.query_params))
    if in_query:
        raise TokenError(
            401,
            "invalid_request",
            "credentials in the query string are not accepted; send them in the body "
            f"({', '.join(in_query)})",
        )
    try:
        form = parse_qs((await request.body()).decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        raise TokenError(400, "invalid_request", "the body is not UTF-8") from None
    missing = [name for name in TOKEN_FIELDS if not form.get(name, [""])[0]]
    if missing:
        raise TokenError(400, "invalid_request", f"missing fields: {', '.join(missing)}")
    fields = {name: form[name][0] for name in TOKEN_FIELDS}
    if fields["grant_type"] != "client_credentials":
        raise TokenError(400, "unsupported_grant_type", "grant_type must be client_credentials")

    with sb.lock:
        try:
            sb.rate_limiter.check(fields["client_id"])
        except ApiError as limited:
            return limited.response()
        token = _grant(sb, fields)
    return JSONResponse(
        {
            "access_token": token.token,
            "token_type": "bearer",
            "expires_in": int(TOKEN_LIFETIME.total_seconds()),
        },
        headers={"Cache-Control": "no-store"},
    )


def _grant(sb: ProcountorSandbox, fields: dict[str, str]) -> AccessToken:
    client = sb.clients.get(fields["client_id"])
    if client is None:
        raise TokenError(401, "invalid_client", "unknown client_id")
    if client.client_secret != fields["client_secret"]:
        raise TokenError(401, "invalid_client", "client_secret is wrong for this client_id")
    if client.redirect_uri != fields["redirect_uri"]:
        raise TokenError(401, "invalid_grant", "redirect_uri does not match the registered one")
    key = sb.api_keys.get(fields["api_key"])
    if key is None:
        raise TokenError(401, "invalid_grant", "api_key is not valid")
    if key.revoked:
        raise TokenError(401, "invalid_grant", "api_key has been revoked")
    if key.client_id != client.client_id:
        raise TokenError(401, "invalid_grant", "api_key was not created for this client_id")
    token = AccessToken(
        token=sb.new_secret(),
        client_id=client.client_id,
        company_id=key.company_id,
        expires_at=sb.clock.now() + TOKEN_LIFETIME,
    )
    sb.tokens[token.token] = token
    return token


@dataclass(frozen=True)
class Caller:
    client_id: str
    company: SandboxCompany


def authenticate(sb: ProcountorSandbox, request: Request) -> Caller:
    """Resolve the bearer token to (client, company) and take a rate-limit token.

    A GET carrying a body is refused first, as the PTS gateway does (403) before auth.
    """
    if request.method == "GET" and _has_body(request):
        raise ApiError(403, e.GET_WITH_BODY)
    scheme, _, value = (request.headers.get("authorization") or "").partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiError(401, e.INVALID_TOKEN, headers=challenge)
    token = sb.tokens.get(value.strip())
    if token is None or sb.clock.now() >= token.expires_at:
        raise ApiError(401, e.INVALID_TOKEN, headers=challenge)
    sb.rate_limiter.check(token.client_id)
    return Caller(token.client_id, sb.companies[token.company_id])


def _has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    if length is not None:
        return length.strip() not in ("", "0")
    return "transfer-encoding" in request.headers
