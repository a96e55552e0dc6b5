"""The kinds of connection the hub knows, by name, and the module describing each.

Nothing here imports a connector: the command line lists the kinds (and mounts each one's own
commands) without paying for them; :mod:`tilisilta.connectors.registry` imports a kind's module
when it is used. A new connector adds one line to ``MODULES``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tilisilta.connectors.base import Connector

# kind → the module whose CONNECTOR describes it
MODULES = {
    "procountor": "tilisilta.connectors.procountor.connector",
    "odoo": "tilisilta.connectors.odoo.connector",
    "netvisor": "tilisilta.connectors.netvisor.connector",
}
EXTRA: dict[str, Connector] = {}  # registered at run time (tests, plug-ins)


def kinds() -> list[str]:
    return sorted({*MODULES, *EXTRA})
