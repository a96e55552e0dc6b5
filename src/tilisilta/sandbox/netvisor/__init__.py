"""A strict, in-memory imitation of the Netvisor XML web-service API (an ASGI app).

``NetvisorSandbox().app`` serves ``/<resource>.nv`` like ``https://isvapi.netvisor.fi``; see
``shared/reference/netvisor.md`` §8.2 for the behaviours it enforces.
"""

from .auth import compute_mac
from .sandbox import NetvisorSandbox
from .server import serve
from .switches import Switches

__all__ = ["NetvisorSandbox", "Switches", "compute_mac", "serve"]
