"""What every group of sandbox routes needs: the caller's company, a strict JSON body, ids from
the path, and header filters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from . import errors as e
from .auth import Caller, authenticate
from .errors import ApiError
from .jsonio import loads

if TYPE_CHECKING:
    from .sandbox import ProcountorSandbox


class Handlers:
    def __init__(self, sb: ProcountorSandbox) -> None:
        self.sb = sb

    def _caller(self, request: Request) -> Caller:
        with self.sb.lock:
            return authenticate(self.sb, request)

    async def _json(self, request: Request) -> Any:
        raw = await request.body()
        if not raw:
            raise ApiError(400, e.INVALID_JSON)
        media_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if media_type != "application/json":
            raise ApiError(415, e.UNSUPPORTED_MEDIA_TYPE)
        try:
            return loads(raw)
        except ValueError:
            raise ApiError(400, e.INVALID_JSON) from None

    @staticmethod
    def _id(request: Request, name: str = "id") -> int:
        raw = request.path_params[name]
        if not raw.isdigit():
            raise ApiError(404, e.NOT_FOUND)
        return int(raw)


def header_text(request: Request, name: str) -> str | None:
    """Header values arrive as latin-1 text; a client may have sent UTF-8 bytes."""
    value = request.headers.get(name)
    if value is None:
        return None
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value
