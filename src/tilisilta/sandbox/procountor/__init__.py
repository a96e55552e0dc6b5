"""A strict, in-memory imitation of the Procountor REST API (an ASGI app).

``ProcountorSandbox().app`` serves ``/api/...`` like ``https://pts-api.procountor.com/api``;
see ``shared/reference/procountor.md`` §7 for the behaviours it enforces.
"""

from .sandbox import ProcountorSandbox
from .server import serve
from .state import SandboxClient, SandboxCompany

__all__ = ["ProcountorSandbox", "SandboxClient", "SandboxCompany", "serve"]
