"""The RPC services behind ``/jsonrpc`` and ``/xmlrpc/2/<service>``: ``common``, ``db`` and
``object``, dispatched as Odoo's ``dispatch_rpc`` does.

The service functions keep Odoo's positional signatures (the sandbox being served is a context
variable, not a parameter), so a call with the wrong number of arguments fails with the same
Python TypeError a real server reports (``exp_login() takes 3 positional arguments but 4 were
given``). Credentials are checked on every ``object`` call: the database first, then the
uid/password pair (a password or an API key).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from .envelopes import DatabaseNotFound
from .exceptions import AccessDenied, OdooError, UserError

if TYPE_CHECKING:
    from .sandbox import OdooSandbox

_serving: ContextVar[OdooSandbox] = ContextVar("odoo_sandbox")


def _sb() -> OdooSandbox:
    return _serving.get()


#: Methods of the ``db`` service that need the master password, which the sandbox has none of.
_MASTER_PASSWORD_METHODS = frozenset(
    {
        "create_database",
        "duplicate_database",
        "drop",
        "dump",
        "restore",
        "rename",
        "change_admin_password",
        "migrate_databases",
    }
)

LANGUAGES = [["en_US", "English (US)"], ["fi_FI", "Finnish / Suomi"]]


def version_info(version: int) -> list[Any]:
    return [version, 0, 0, "final", 0, ""]


def dispatch(sb: OdooSandbox, service: Any, method: Any, params: list[Any]) -> Any:
    """Run one RPC call; raises what the real server would raise."""
    services: dict[str, Callable[[Any, list[Any]], Any]] = {
        "common": _common,
        "object": _object,
        "db": _db,
    }
    run = services.get(service) if isinstance(service, str) else None
    if run is None:
        raise KeyError(service)
    token = _serving.set(sb)
    try:
        return run(method, params)
    finally:
        _serving.reset(token)


# --- common ----------------------------------------------------------------------------------


def _common(method: Any, params: list[Any]) -> Any:
    functions: dict[str, Callable[..., Any]] = {
        "version": exp_version,
        "about": exp_about,
        "login": exp_login,
        "authenticate": exp_authenticate,
    }
    function = functions.get(method) if isinstance(method, str) else None
    if function is None:
        raise OdooError(f"Method not found: {method}")
    return function(*params)


def exp_version() -> dict[str, Any]:
    registry = _sb().registry
    return {
        "server_version": registry.server_version,
        "server_version_info": version_info(registry.version),
        "server_serie": registry.server_version,
        "protocol_version": 1,
    }


def exp_about(extended: Any = False) -> Any:
    info = "See http://openerp.com"
    return [info, _sb().registry.server_version] if extended else info


def exp_login(db: Any, login: Any, password: Any) -> Any:
    return exp_authenticate(db, login, password, None)


def exp_authenticate(db: Any, login: Any, password: Any, user_agent_env: Any) -> Any:
    """The uid, or False for a bad login, password or key (never a fault)."""
    sb = _sb()
    check_database(sb, db)
    if not isinstance(login, str) or not isinstance(password, str):
        return False
    try:
        return sb.registry.authenticate(login, password)
    except AccessDenied:
        return False


# --- object ----------------------------------------------------------------------------------


def _object(method: Any, params: list[Any]) -> Any:
    db, uid, password = params[0], int(params[1]), params[2]
    sb = _sb()
    check_database(sb, db)
    check_credentials(sb, uid, password)
    if method == "execute":
        return execute(db, uid, *params[3:])
    if method == "execute_kw":
        return execute_kw(db, uid, *params[3:])
    raise NameError(f"Method not available {method}")


def execute_kw(db: Any, uid: int, obj: Any, method: Any, args: Any, kw: Any = None) -> Any:
    if isinstance(args, dict | str):
        args = list(args)
    elif not isinstance(args, list | tuple):
        raise TypeError(
            "odoo.service.model.execute() argument after * must be an iterable, "
            f"not {_type_name(args)}"
        )
    kwargs = kw or {}
    if not isinstance(kwargs, dict):
        raise TypeError(
            "odoo.service.model.execute() argument after ** must be a mapping, "
            f"not {_type_name(kwargs)}"
        )
    return _call(uid, obj, method, list(args), kwargs)


def execute(db: Any, uid: int, obj: Any, method: Any, *args: Any) -> Any:
    return _call(uid, obj, method, list(args), {})


def _call(uid: int, model: Any, method: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if not isinstance(method, str):
        raise AttributeError(f"'{_type_name(method)}' object has no attribute 'startswith'")
    if not isinstance(model, str):
        raise UserError(f"Object {model} doesn't exist")
    return _sb().registry.execute_kw(uid, model, method, args, kwargs)


def _type_name(value: Any) -> str:
    return type(value).__name__


# --- db ----------------------------------------------------------------------------------------


def _db(method: Any, params: list[Any]) -> Any:
    functions: dict[str, Callable[..., Any]] = {
        "list": exp_list,
        "db_exist": exp_db_exist,
        "server_version": exp_server_version,
        "list_lang": exp_list_lang,
    }
    function = functions.get(method) if isinstance(method, str) else None
    if function is not None:
        return function(*params)
    if isinstance(method, str) and method in _MASTER_PASSWORD_METHODS:
        raise AccessDenied()  # the master password is wrong: the sandbox has none
    raise KeyError(f"Method not found: {method}")


def exp_list(document: Any = False) -> list[str]:
    return [_sb().database]


def exp_db_exist(db_name: Any) -> bool:
    return bool(db_name == _sb().database)


def exp_server_version() -> str:
    return _sb().registry.server_version


def exp_list_lang() -> list[list[str]]:
    return [list(pair) for pair in LANGUAGES]


# --- credentials -------------------------------------------------------------------------------


def check_database(sb: OdooSandbox, db: Any) -> None:
    if db != sb.database:
        raise DatabaseNotFound(db)


def check_credentials(sb: OdooSandbox, uid: int, password: Any) -> None:
    """AccessDenied unless ``password`` (or an API key) belongs to the active user ``uid``."""
    if not isinstance(password, str) or not password:
        raise AccessDenied()
    sb.registry.check_credentials(uid, password)
