"""The registry: one Odoo database of one version, and the RPC entry points.

``execute_kw`` (XML-RPC and JSON-RPC) and ``execute_json2`` (JSON-2) run one call as one
transaction under ``lock``: the method name is checked (private methods are refused), the model
looked up, the context's companies checked, the arguments bound like Python binds them, and the
result downgraded as Odoo's ``call_kw`` does (a created record becomes its id, recordsets their
ids). A call that raises leaves the data as it was.
"""

from __future__ import annotations

import copy
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from ....clock import Clock, SystemClock
from ..exceptions import (
    AccessDenied,
    AccessError,
    ServerAttributeError,
    ServerIndexError,
    ServerTypeError,
    UserError,
    ValidationError,
)
from . import accounting, base_models, payments, sales, stock  # noqa: F401
from .env import SUPERUSER_ID, Env
from .fields import Field
from .model import MODEL_CLASSES, Model
from .profiles import build_specs
from .rpc import Records, RpcInfo, bind, normalize_ids, rpc_table
from .spec import ModelSpec
from .store import Store


class Registry:
    """An in-memory Odoo database (``version`` 16-19) with its RPC entry points."""

    def __init__(self, version: int = 17, clock: Clock | None = None) -> None:
        self.version = version
        self.clock: Clock = clock or SystemClock()
        self.specs: dict[str, ModelSpec] = build_specs(version)
        self.store = Store()
        self.lock = threading.RLock()
        self._call_now: datetime | None = None
        self._depth = 0
        self._passwords: dict[int, str] = {}
        self._api_keys: dict[str, int] = {}
        self._property_defaults: dict[tuple[str, str, int], Any] = {}
        self._rpc_tables: dict[type, dict[str, tuple[str, RpcInfo]]] = {}
        self._references: dict[str, list[tuple[str, Field]]] = defaultdict(list)
        for spec in self.specs.values():
            for field in spec.fields.values():
                if (
                    field.relation
                    and field.type in ("many2one", "many2many")
                    and field.stored
                    and not field.company_dependent
                ):
                    self._references[field.relation].append((spec.name, field))
        #: companies ``seed_finnish_company`` has set up
        self.seeded_companies: list[int] = []
        from .seed import install_base_data

        with self.transaction():
            install_base_data(self)

    # ---- identity ----------------------------------------------------------------------------

    @property
    def server_version(self) -> str:
        return f"{self.version}.0"

    # ---- time and transactions ---------------------------------------------------------------

    def transaction_now(self) -> datetime:
        """The current transaction's timestamp: naive UTC with microseconds, one per call."""
        if self._call_now is not None:
            return self._call_now
        return _stamp(self.clock.now())

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction (nested calls join the outer one); rolls back on any exception."""
        with self.lock:
            outer = self._depth == 0
            if outer:
                self._call_now = _stamp(self.clock.now())
                self.store.begin()
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outer:
                    self.store.rollback()
                    self._call_now = None
                raise
            self._depth -= 1
            if outer:
                self.store.commit()
                self._call_now = None

    def env(self, uid: int = SUPERUSER_ID, context: dict[str, Any] | None = None) -> Env:
        """An environment for direct (non-RPC) use; superuser by default."""
        return Env(self, uid, context, su=uid == SUPERUSER_ID)

    # ---- models ----------------------------------------------------------------------------------

    def model(self, env: Env, name: str) -> Model:
        if name not in self.specs:
            raise UserError(f"Object {name} doesn't exist")
        cls = MODEL_CLASSES.get(name, Model)
        return cls(env, name)

    def references_to(self, model: str) -> list[tuple[str, Field]]:
        return self._references.get(model, [])

    def o2m_index(self, comodel: str, inverse: str) -> ChildIndex:
        """parent id -> child ids (by id) of ``comodel`` through its many2one ``inverse``."""
        return ChildIndex(self.store.index(comodel, inverse))

    def property_default(self, model: str, field: str, company_id: int) -> Any:
        return self._property_defaults.get((model, field, company_id))

    def set_property_default(self, model: str, field: str, company_id: int, value: Any) -> None:
        self._property_defaults[(model, field, company_id)] = value

    # ---- users and authentication --------------------------------------------------------------

    def add_user(
        self,
        login: str,
        *,
        password: str | None,
        api_key: str | None,
        company_ids: list[int],
        name: str | None = None,
    ) -> int:
        """An internal user allowed in ``company_ids`` (the first is their default company)."""
        if not company_ids:
            raise ValueError("a user needs at least one company")
        with self.transaction():
            env = self.env()
            users = env["res.users"]
            if users.search_ids([("login", "=", login)], active_test=False):
                raise ValidationError("You can not have two users with the same login !")
            uid = users.create_records(
                [
                    {
                        "login": login,
                        "name": name or login,
                        "company_id": company_ids[0],
                        "company_ids": [(6, 0, list(company_ids))],
                        "tz": "Europe/Helsinki",
                    }
                ]
            )[0]
        if password is not None:
            self._passwords[uid] = password
        if api_key is not None:
            self._api_keys[api_key] = uid
        return uid

    def set_password(self, uid: int, password: str) -> None:
        self._passwords[uid] = password

    def add_api_key(self, uid: int, key: str) -> None:
        self._api_keys[key] = uid

    def revoke_api_key(self, key: str) -> None:
        self._api_keys.pop(key, None)

    def _active_user(self, uid: int) -> dict[str, Any] | None:
        row = self.store.get("res.users", uid)
        if row is None or not row.get("active"):
            return None
        return row

    def authenticate(self, login: str, password: str) -> int:
        """The uid for a login and a password or API key; AccessDenied otherwise."""
        with self.lock:
            if not isinstance(login, str) or not isinstance(password, str) or not password:
                raise AccessDenied()
            for uid, row in self.store.rows("res.users").items():
                if row.get("login") != login or not row.get("active"):
                    continue
                if self._passwords.get(uid) == password or self._api_keys.get(password) == uid:
                    self.store.update("res.users", uid, {"login_date": self.transaction_now()})
                    return uid
            raise AccessDenied()

    def uid_for_api_key(self, key: str) -> int:
        with self.lock:
            uid = self._api_keys.get(key) if isinstance(key, str) else None
            if uid is None or self._active_user(uid) is None:
                raise AccessDenied()
            return uid

    def check_credentials(self, uid: int, password: str) -> None:
        """``security.check``: the password (or API key) of that uid, else AccessDenied."""
        with self.lock:
            if self._active_user(uid) is None:
                raise AccessDenied()
            if self._passwords.get(uid) == password or self._api_keys.get(password) == uid:
                return
            raise AccessDenied()

    # ---- RPC --------------------------------------------------------------------------------

    def execute_kw(self, uid: int, model: str, method: str, args: Any, kwargs: Any = None) -> Any:
        """``object.execute_kw``: positional ``args`` (record methods: ids first) and keyword
        ``kwargs`` (``context`` among them)."""
        if not isinstance(args, list | tuple):
            raise ServerTypeError(f"execute_kw() argument 'args' must be a list, not {args!r}")
        if kwargs is None or kwargs is False:
            kwargs = {}
        if not isinstance(kwargs, dict):
            raise ServerTypeError(f"execute_kw() argument 'kwargs' must be a dict, not {kwargs!r}")
        kwargs = dict(kwargs)
        context = kwargs.pop("context", None)
        with self.lock:
            return self._execute(uid, model, method, context, list(args), kwargs, json2=False)

    def execute_json2(self, uid: int, model: str, method: str, params: dict[str, Any]) -> Any:
        """``POST /json/2/<model>/<method>``: named parameters only; ``ids`` and ``context``
        are keys of ``params``."""
        if not isinstance(params, dict):
            raise ServerTypeError("the body must be a JSON object of named parameters")
        params = dict(params)
        context = params.pop("context", None)
        with self.lock:
            return self._execute(uid, model, method, context, [], params, json2=True)

    def call(
        self,
        model: str,
        method: str,
        *args: Any,
        uid: int = SUPERUSER_ID,
        context: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Direct access with the RPC semantics (superuser by default)."""
        if context is not None:
            kwargs["context"] = context
        return self.execute_kw(uid, model, method, list(args), kwargs)

    def records(self, model: str) -> list[dict[str, Any]]:
        """The stored rows of a model (copies, internal values), by id."""
        if model not in self.specs:
            raise UserError(f"Object {model} doesn't exist")
        with self.lock:
            rows = self.store.rows(model)
            return [copy.deepcopy(rows[rid]) for rid in sorted(rows)]

    def _execute(
        self,
        uid: int,
        model: str,
        method: str,
        context: Any,
        args: list[Any],
        kwargs: dict[str, Any],
        *,
        json2: bool,
    ) -> Any:
        if not isinstance(method, str) or method.startswith("_"):
            raise AccessError(f"Private methods (such as {method}) cannot be called remotely.")
        if self._active_user(uid) is None and not (
            uid == SUPERUSER_ID and self.store.exists("res.users", uid)
        ):
            raise AccessDenied()
        if model not in self.specs:
            raise UserError(f"Object {model} doesn't exist")
        if context is None or context is False:
            context = {}
        if not isinstance(context, dict):
            raise ServerTypeError(f"context must be a dictionary, got {context!r}")
        with self.transaction():
            env = Env(self, uid, context, su=uid == SUPERUSER_ID)
            _ = env.company_ids  # validates allowed_company_ids like env.companies
            return self._dispatch(env, model, method, args, kwargs, json2=json2)

    def _dispatch(
        self,
        env: Env,
        model: str,
        method: str,
        args: list[Any],
        kwargs: dict[str, Any],
        *,
        json2: bool,
    ) -> Any:
        instance = self.model(env, model)
        cls = type(instance)
        table = self._rpc_tables.get(cls)
        if table is None:
            table = self._rpc_tables[cls] = rpc_table(cls, self.version)
        entry = table.get(method)
        if entry is None:
            raise ServerAttributeError(
                f"The method '{method}' does not exist on the model '{model}'"
            )
        attr, info = entry
        fn = getattr(instance, attr)
        qualname = f"{info.owner or cls.odoo_class}.{info.name}"
        if json2:
            params = dict(kwargs)
            ids = params.pop("ids", None)
            if info.kind == "records":
                record_ids = normalize_ids(ids if ids is not None else [])
                bind(fn, qualname, [record_ids], params, records=True)
                result = fn(record_ids, **params)
            else:
                if ids:
                    raise ServerTypeError(f"cannot call {model}.{method} with ids")
                bind(fn, qualname, [], params, records=False)
                result = fn(**params)
            return _plain(result, json2=True)
        if info.kind == "records":
            if not args:
                raise ServerTypeError(
                    f"{qualname}() missing the record ids (first positional argument)"
                )
            record_ids = normalize_ids(args[0])
            rest = args[1:]
            bind(fn, qualname, [record_ids, *rest], kwargs, records=True)
            result = fn(record_ids, *rest, **kwargs)
        else:
            bind(fn, qualname, args, kwargs, records=False)
            result = fn(*args, **kwargs)
        if isinstance(result, Records):
            if info.kind == "create":
                if not args:
                    # Odoo has made the records by now; the error rolls the transaction back.
                    raise ServerIndexError("list index out of range")
                single = isinstance(args[0], dict)
                return result.ids[0] if single and result.ids else list(result.ids)
            if method == "copy" and self.version <= 17:
                return result.ids[0] if result.ids else False
        return _plain(result, json2=False)


class ChildIndex:
    """A read-only view of a store index answering sorted id lists."""

    def __init__(self, index: dict[Any, set[int]]) -> None:
        self._index = index

    def get(self, parent: Any, default: Any = None) -> list[int]:
        children = self._index.get(parent)
        if not children:
            return list(default) if default is not None else []
        return sorted(children)


def _stamp(moment: datetime) -> datetime:
    """Naive UTC with microseconds, as PostgreSQL's ``now()`` (reads cut it to whole seconds)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _plain(value: Any, *, json2: bool) -> Any:
    """The result as the transports marshal it: recordsets as ids, tuples as lists."""
    if isinstance(value, Records):
        return list(value.ids)
    if isinstance(value, dict):
        return {k: _plain(v, json2=json2) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, json2=json2) for v in value]
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return value
