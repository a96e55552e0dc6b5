"""A strict, in-memory imitation of Odoo 16-19 behind its RPC transports (an ASGI app).

``OdooSandbox().app`` serves ``/jsonrpc``, ``/xmlrpc/2/<service>``, ``/json/2/<model>/<method>``
(19+) and ``/web/version`` like an Odoo server; see ``shared/reference/odoo.md`` §1 for the
shapes it reproduces and §4 for what it is for.
"""

from tilisilta.sandbox.common.recording import LoggedRequest

from .sandbox import DemoCredentials, OdooSandbox
from .server import serve

__all__ = ["DemoCredentials", "LoggedRequest", "OdooSandbox", "serve"]
