"""The exceptions the Odoo sandbox raises, named as Odoo names them.

Each class carries the dotted name Odoo reports in a JSON-RPC ``data.name`` or JSON-2 body, the
XML-RPC faultCode family it folds into, and the HTTP status JSON-2 answers with. The ORM raises
them; the transports in ``app`` turn them into the exact envelopes of each protocol.
"""

from __future__ import annotations

from typing import ClassVar


class OdooError(Exception):
    """Anything else that goes wrong on the server: XML-RPC faultCode 1 with a traceback."""

    odoo_name: ClassVar[str] = "builtins.Exception"
    #: 1 = other error (faultString is the traceback), 2 = UserError family, 3 = AccessDenied,
    #: 4 = AccessError
    xmlrpc_fault_code: ClassVar[int] = 1
    http_status: ClassVar[int] = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UserError(OdooError):
    odoo_name = "odoo.exceptions.UserError"
    xmlrpc_fault_code = 2
    http_status = 422


class RedirectWarning(UserError):
    odoo_name = "odoo.exceptions.RedirectWarning"


class ValidationError(UserError):
    odoo_name = "odoo.exceptions.ValidationError"


class MissingError(UserError):
    odoo_name = "odoo.exceptions.MissingError"
    http_status = 404


class AccessError(UserError):
    odoo_name = "odoo.exceptions.AccessError"
    xmlrpc_fault_code = 4
    http_status = 403


class AccessDenied(OdooError):
    """Bad login, password or API key. Odoo's message is always the same two words."""

    odoo_name = "odoo.exceptions.AccessDenied"
    xmlrpc_fault_code = 3
    http_status = 401

    def __init__(self, message: str = "Access Denied") -> None:
        super().__init__(message)


class ServerValueError(OdooError):
    """A Python ``ValueError`` inside Odoo, e.g. an unknown field in a domain."""

    odoo_name = "builtins.ValueError"


class ServerTypeError(OdooError):
    """A Python ``TypeError``: wrong arguments to a method (JSON-2 answers 422)."""

    odoo_name = "builtins.TypeError"
    http_status = 422


class ServerAttributeError(OdooError):
    """A Python ``AttributeError``: the method does not exist on the model."""

    odoo_name = "builtins.AttributeError"


class ServerIndexError(OdooError):
    """A Python ``IndexError``, e.g. ``create`` over RPC given its values by keyword only:
    ``_call_kw_model_create`` creates the records, then reads ``args[0]`` to shape its answer."""

    odoo_name = "builtins.IndexError"


class ServerBase64Error(OdooError):
    """``binascii.Error``: a binary field's value is not base64 (e.g. its padding is wrong)."""

    odoo_name = "binascii.Error"


class SerializationFailure(OdooError):
    """PostgreSQL's concurrent-update error, which Odoo lets through after its own retries."""

    odoo_name = "psycopg2.errors.SerializationFailure"
