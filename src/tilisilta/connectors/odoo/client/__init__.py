"""Odoo over JSON-RPC or JSON-2, and nothing of the ledger or the store: :class:`OdooClient`
(``rpc``) and Odoo's failures in plain words (``errors``)."""

from tilisilta.connectors.odoo.client.rpc import OdooClient, RpcProtocol

__all__ = ["OdooClient", "RpcProtocol"]
