"""Field descriptions and the value conversions Odoo applies at its edges.

A field is a plain description (type, label, relation, flags). Values are kept inside the store in
an internal form: ``None`` for empty, ``int`` ids for many2one, lists of ids for many2many,
``date``/naive UTC ``datetime`` objects, Python floats for float and monetary fields. The functions
here convert what a client sends into that form (``to_internal``) and the internal form into what
``read`` answers (``to_read``), with Odoo's error messages for bad input.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from ..exceptions import ServerValueError

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"

RELATIONAL = frozenset({"many2one", "one2many", "many2many"})
X2MANY = frozenset({"one2many", "many2many"})
NUMERIC = frozenset({"integer", "float", "monetary"})
TEXTUAL = frozenset({"char", "text", "html", "selection"})

Default = Callable[[Any], Any]


@dataclass(frozen=True)
class Field:
    """One field of one model in one Odoo version."""

    type: str
    string: str
    name: str = ""
    relation: str | None = None
    #: the many2one on the comodel a one2many is the inverse of
    inverse_name: str | None = None
    required: bool = False
    readonly: bool = False
    store: bool = True
    selection: tuple[tuple[str, str], ...] = ()
    #: a constant, or a callable taking the model object (``Model``) and returning the value
    default: Any = None
    #: computed by the model: stored computed fields keep their value in the row, the model
    #: recomputes it; writes of a computed field without ``inverse`` are ignored (Odoo recomputes)
    computed: bool = False
    inverse: bool = False
    #: a path of field names (``("partner_id", "country_id")``): read, searched and written through
    related: tuple[str, ...] | None = None
    #: filled by the model spec for fields delegated to an ``_inherits`` parent
    inherited_from: str | None = None
    search: bool = False
    check_company: bool = False
    company_dependent: bool = False
    ondelete: str | None = None
    copy: bool = True
    help: str = ""
    translate: bool = False
    #: one2many that only shows part of the inverse rows, e.g. invoice_line_ids
    o2m_filter: Callable[[dict[str, Any]], bool] | None = None

    def with_name(self, name: str) -> Field:
        return replace(self, name=name)

    @property
    def is_relational(self) -> bool:
        return self.type in RELATIONAL

    @property
    def is_x2many(self) -> bool:
        return self.type in X2MANY

    @property
    def stored(self) -> bool:
        """Whether the row holds the value (one2many never does; related and inherited don't)."""
        return (
            self.store
            and self.type != "one2many"
            and self.related is None
            and self.inherited_from is None
        )

    @property
    def searchable(self) -> bool:
        return (
            self.stored
            or self.type == "one2many"
            or self.related is not None
            or self.inherited_from is not None
            or self.search
            or self.company_dependent
        )

    @property
    def writable_compute(self) -> bool:
        return not self.computed or self.inverse

    def effective_ondelete(self) -> str:
        if self.ondelete:
            return self.ondelete
        return "restrict" if self.required else "set null"

    def qualified(self, model: str) -> str:
        return f"{model}.{self.name}"


# --------------------------------------------------------------------------------------------
# Constructors: keep the profiles short and readable.
# --------------------------------------------------------------------------------------------


def char(string: str, **kw: Any) -> Field:
    return Field("char", string, **kw)


def text(string: str, **kw: Any) -> Field:
    return Field("text", string, **kw)


def html(string: str, **kw: Any) -> Field:
    return Field("html", string, **kw)


def integer(string: str, **kw: Any) -> Field:
    return Field("integer", string, **kw)


def float_(string: str, **kw: Any) -> Field:
    return Field("float", string, **kw)


def monetary(string: str, **kw: Any) -> Field:
    return Field("monetary", string, **kw)


def boolean(string: str, **kw: Any) -> Field:
    kw.setdefault("default", False)
    return Field("boolean", string, **kw)


def date_(string: str, **kw: Any) -> Field:
    return Field("date", string, **kw)


def datetime_(string: str, **kw: Any) -> Field:
    return Field("datetime", string, **kw)


def selection(options: list[tuple[str, str]], string: str, **kw: Any) -> Field:
    return Field("selection", string, selection=tuple(options), **kw)


def many2one(relation: str, string: str, **kw: Any) -> Field:
    return Field("many2one", string, relation=relation, **kw)


def one2many(relation: str, inverse_name: str, string: str, **kw: Any) -> Field:
    kw.setdefault("copy", False)
    return Field("one2many", string, relation=relation, inverse_name=inverse_name, **kw)


def many2many(relation: str, string: str, **kw: Any) -> Field:
    return Field("many2many", string, relation=relation, **kw)


def binary(string: str, **kw: Any) -> Field:
    kw.setdefault("copy", False)
    return Field("binary", string, **kw)


def json_(string: str, **kw: Any) -> Field:
    return Field("json", string, **kw)


def related(type_: str, path: str, string: str, **kw: Any) -> Field:
    """A related field, e.g. ``related("char", "partner_id.name", "Partner Name")``."""
    kw.setdefault("readonly", True)
    kw.setdefault("copy", False)
    return Field(type_, string, related=tuple(path.split(".")), **kw)


def computed(type_: str, string: str, *, store: bool = True, **kw: Any) -> Field:
    kw.setdefault("readonly", not kw.get("inverse", False))
    kw.setdefault("copy", False)
    return Field(type_, string, computed=True, store=store, **kw)


# --------------------------------------------------------------------------------------------
# Conversions
# --------------------------------------------------------------------------------------------


def wrong_value(model: str, field: Field, value: Any) -> ServerValueError:
    return ServerValueError(f"Wrong value for {field.qualified(model)}: {value!r}")


def parse_date(value: Any) -> date | None:
    """``fields.Date.to_date``: a ``YYYY-MM-DD`` string (a longer string is cut), or False."""
    if value is None or value is False or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ServerValueError(f"time data {value!r} does not match format '{DATE_FORMAT}'")
    try:
        return datetime.strptime(value[:10], DATE_FORMAT).date()
    except ValueError as exc:
        raise ServerValueError(str(exc)) from None


def parse_datetime(value: Any) -> datetime | None:
    """``fields.Datetime.to_datetime``: ``YYYY-MM-DD HH:MM:SS`` (or a bare date), naive UTC."""
    if value is None or value is False or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0) if value.tzinfo is None else value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if not isinstance(value, str):
        raise ServerValueError(f"time data {value!r} does not match format '{DATETIME_FORMAT}'")
    fmt = DATETIME_FORMAT if len(value) > 10 else DATE_FORMAT
    try:
        return datetime.strptime(value, fmt)
    except ValueError as exc:
        raise ServerValueError(str(exc)) from None


def to_internal(model: str, field: Field, value: Any) -> Any:
    """Convert a client value of a non-x2many field into its stored form, or raise like Odoo."""
    kind = field.type
    if kind in ("char", "text", "html"):
        if value is None or value is False:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, bool | int | float):
            return str(value)
        raise wrong_value(model, field, value)
    if kind == "selection":
        if value is None or value is False:
            return None
        if not isinstance(value, str) or value not in {key for key, _ in field.selection}:
            raise wrong_value(model, field, value)
        return value
    if kind == "boolean":
        return bool(value)
    if kind == "integer":
        if value is None or value is False:
            return 0
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise ServerValueError(str(exc)) from None
    if kind in ("float", "monetary"):
        if value is None or value is False:
            return 0.0
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError as exc:
                raise ServerValueError(str(exc)) from None
        if isinstance(value, int | float):
            return float(value)
        raise ServerValueError(f"float() argument must be a string or a real number, not {value!r}")
    if kind == "date":
        return parse_date(value)
    if kind == "datetime":
        return parse_datetime(value)
    if kind == "many2one":
        if value is None or value is False:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong_value(model, field, value)
        return value
    if kind == "binary":
        if value is None or value is False:
            return None
        if isinstance(value, bytes):
            value = value.decode("ascii")
        if not isinstance(value, str):
            raise wrong_value(model, field, value)
        try:
            base64.b64decode(value, validate=False)
        except (binascii.Error, ValueError) as exc:
            raise ServerValueError(str(exc)) from None
        return value
    if kind == "json":
        if value is None or value is False:
            return None
        if not isinstance(value, dict | list):
            raise wrong_value(model, field, value)
        return value
    raise wrong_value(model, field, value)


def empty_value(field: Field) -> Any:
    """What a stored field holds when nothing was given."""
    if field.type == "boolean":
        return False
    if field.type == "integer":
        return 0
    if field.type in ("float", "monetary"):
        return 0.0
    if field.type == "many2many":
        return []
    return None


def is_empty(field: Field, value: Any) -> bool:
    """The NULL test for required fields (0 and 0.0 are values; False booleans too)."""
    if field.type in ("boolean", "integer", "float", "monetary"):
        return False
    if field.type in ("many2many", "one2many"):
        return False
    return value is None or value == ""


def format_read(field: Field, value: Any) -> Any:
    """A non-relational internal value as ``read`` answers it."""
    kind = field.type
    if kind == "boolean":
        return bool(value)
    if kind == "integer":
        return int(value or 0)
    if kind in ("float", "monetary"):
        return float(value or 0.0)
    if value is None:
        return False
    if kind == "date":
        return value.strftime(DATE_FORMAT) if isinstance(value, date) else value
    if kind == "datetime":
        return value.strftime(DATETIME_FORMAT) if isinstance(value, datetime) else value
    return value


def describe(model: str, field: Field, version: int) -> dict[str, Any]:
    """The ``fields_get`` description of a field, with every attribute Odoo lists."""
    info: dict[str, Any] = {
        "type": field.type,
        "string": field.string,
        "name": field.name,
        "required": field.required,
        "readonly": field.readonly,
        "store": field.stored,
        "searchable": field.searchable,
        "sortable": field.stored,
        "manual": False,
        "depends": [],
        "company_dependent": field.company_dependent,
        "change_default": False,
    }
    if version >= 17:
        info["groupable"] = field.stored and field.type not in ("text", "html", "binary")
    if field.help:
        info["help"] = field.help
    if field.type in TEXTUAL and field.type != "selection":
        info["translate"] = field.translate
    if field.type == "char":
        info["trim"] = True
    if field.type == "selection":
        info["selection"] = [[key, label] for key, label in field.selection]
    if field.is_relational:
        info["relation"] = field.relation
        info["context"] = {}
        info["domain"] = []
    if field.type == "one2many":
        info["relation_field"] = field.inverse_name
    if field.type == "monetary":
        info["currency_field"] = "currency_id"
    if field.related is not None:
        info["related"] = ".".join(field.related)
    return info
