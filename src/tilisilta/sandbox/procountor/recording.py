"""Records every API request the sandbox answered, so tests can count calls.

It is the outermost middleware: requests that a fault spoiled are recorded too. A response that was
lost (dropped or timed out after commit) is recorded with status 0. Admin paths are not recorded.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any, NamedTuple

from starlette.routing import Match

from tilisilta.sandbox.common.faults import ASGIApp, Message, Receive, Send

if TYPE_CHECKING:
    from .sandbox import ProcountorSandbox

LOST = 0


class LoggedRequest(NamedTuple):
    method: str
    path: str
    status: int


class RequestRecorder:
    def __init__(self, app: ASGIApp, sandbox: ProcountorSandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sandbox"):
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        template = f"{method} {_template(scope)}"
        status = LOST

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        except Exception:
            status = LOST
            raise
        finally:
            self.sandbox.record(LoggedRequest(method, scope["path"], status), template)


def _template(scope: MutableMapping[str, Any]) -> str:
    """The route's path template (``/api/invoices/{ids}``), or the raw path if none matches."""
    app = scope.get("app")
    router = getattr(app, "router", None)
    partial = None
    for route in getattr(router, "routes", []):
        match, _ = route.matches(dict(scope))
        if match is Match.FULL:
            return str(route.path)
        if match is Match.PARTIAL and partial is None:
            partial = str(route.path)
    return partial or str(scope["path"])
