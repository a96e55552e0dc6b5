"""Procountor over HTTP, and nothing of the ledger or the store: every Procountor path lives in
this package. :class:`ProcountorClient` is the one object flows hold; its endpoints are grouped
by concern (``company``, ``invoices``, ``accounting``, ``attachments``), the paged register and
payment-event readers wrap it (``registers``, ``payments``), and ``auth`` keeps the token."""

from tilisilta.connectors.procountor.client.api import ProcountorClient
from tilisilta.connectors.procountor.client.base import PAGE_SIZE

__all__ = ["PAGE_SIZE", "ProcountorClient"]
