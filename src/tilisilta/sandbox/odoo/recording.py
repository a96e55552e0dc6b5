"""Records every request the Odoo sandbox answered, with the RPC call it carried.

The recorder is the outermost middleware, so requests a fault spoiled are recorded too; a response
that was lost (dropped or timed out after commit) is recorded with status 0. The handlers name
the call (``res.partner.search_read``, ``common.version``) through :func:`note_rpc`. Admin paths
are not recorded.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any, NamedTuple

from tilisilta.sandbox.common.faults import ASGIApp, Message, Receive, Send

if TYPE_CHECKING:
    from .sandbox import OdooSandbox

LOST = 0
_RPC_KEY = "tilisilta.odoo.rpc"


class LoggedRequest(NamedTuple):
    method: str
    path: str
    #: ``model.method`` of an ORM call, ``service.method`` of another RPC, "" if not understood.
    rpc: str
    status: int


def note_rpc(scope: MutableMapping[str, Any], label: str) -> None:
    """Name the RPC call of the request being handled (the last name noted wins)."""
    holder = scope.get(_RPC_KEY)
    if isinstance(holder, list):
        holder.append(label)


class RequestRecorder:
    def __init__(self, app: ASGIApp, sandbox: OdooSandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sandbox"):
            await self.app(scope, receive, send)
            return
        labels: list[str] = []
        scope[_RPC_KEY] = labels
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
            rpc = labels[-1] if labels else ""
            self.sandbox.record(LoggedRequest(scope["method"], scope["path"], rpc, status))
