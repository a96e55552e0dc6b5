"""The generic model: CRUD, search, read formatting, x2many commands, access rules.

``Model`` is what every Odoo model inherits (``BaseModel``); business models subclass it in
``accounting``, ``sales``, ``stock`` and friends and override the hooks:

* ``prepare_create(vals)`` / ``prepare_write(ids, vals)``: adjust or refuse incoming values;
* ``after_create(ids)`` / ``after_write(ids, names)``: recompute stored computed fields;
* ``check_unlink(ids)`` / ``after_unlink(ids, token)``;
* ``compute_display_name(rid)``, ``get_<field>(rid)`` for non-stored computed fields,
  ``company_default(field, company_id)`` for company-dependent fields.

Instances are cheap views bound to one ``Env`` (uid, context, companies, timestamp).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from ..exceptions import (
    AccessError,
    ServerTypeError,
    ServerValueError,
    UserError,
    ValidationError,
)
from . import domain as D
from . import messages
from .commands import normalize_commands
from .fields import Field, describe, empty_value, format_read, is_empty, to_internal
from .rpc import Records, rpc

if TYPE_CHECKING:
    from .env import Env
    from .spec import ModelSpec

_ORDER_TERM = re.compile(
    r"^\s*(?P<field>[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?)"
    r"(?:\s+(?P<dir>asc|desc))?(?:\s+nulls\s+(?P<nulls>first|last))?\s*$",
    re.IGNORECASE,
)

#: the model classes by model name; filled by ``@model_class``
MODEL_CLASSES: dict[str, type[Model]] = {}


def model_class(name: str) -> Callable[[type[Model]], type[Model]]:
    def register(cls: type[Model]) -> type[Model]:
        MODEL_CLASSES[name] = cls
        return cls

    return register


class Model:
    #: the Python class name Odoo reports in TypeErrors for business methods
    odoo_class: ClassVar[str] = "BaseModel"

    def __init__(self, env: Env, name: str) -> None:
        self.env = env
        self.name = name
        self.spec: ModelSpec = env.registry.specs[name]
        self.store = env.store
        self.version = env.version

    # ================================================================================ basics

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} uid={self.env.uid}>"

    def sudo(self) -> Model:
        return self.env.sudo()[self.name]

    def with_env(self, env: Env) -> Model:
        return env[self.name]

    def field(self, name: str) -> Field:
        field = self.spec.fields.get(name)
        if field is None:
            raise ServerValueError(messages.invalid_field(self.name, name))
        return field

    def has_field(self, name: str) -> bool:
        return name in self.spec.fields

    def rows(self) -> dict[int, dict[str, Any]]:
        return self.store.rows(self.name)

    def row(self, rid: int) -> dict[str, Any]:
        row = self.store.get(self.name, rid)
        if row is None:
            raise messages.missing(self.name, [rid], self.env.uid)
        return row

    def exists_ids(self, ids: Iterable[int]) -> list[int]:
        rows = self.rows()
        return [rid for rid in dict.fromkeys(ids) if rid in rows]

    def __getitem__(self, key: tuple[int, str]) -> Any:
        """``model[rid, 'field']``: the internal value of a field (any kind of field)."""
        rid, fname = key
        return self.value(rid, self.field(fname))

    def get(self, rid: int, fname: str) -> Any:
        return self.value(rid, self.field(fname))

    # ================================================================================ values

    def value(self, rid: int, field: Field) -> Any:
        """The internal value of any field of the record (stored, related, inherited, computed,
        one2many, company-dependent)."""
        name = field.name
        if name == "id":
            return rid
        if field.inherited_from is not None:
            link = self.spec.inherits[field.inherited_from]
            parent_id = self.row(rid).get(link)
            if parent_id is None:
                return empty_value(field)
            parent = self.env[field.inherited_from]
            return parent.value(parent_id, parent.spec.fields[name])
        if field.related is not None:
            return self._related_value(rid, field)
        if field.company_dependent:
            stored = self.row(rid).get(name) or {}
            company = self.env.company_id
            if company in stored:
                return stored[company]
            return self.company_default(field, company)
        if field.type == "one2many":
            return self._o2m_ids(rid, field)
        if field.computed and not field.store:
            getter = getattr(self, f"get_{name}", None)
            if getter is None:
                if name == "display_name":
                    return self.compute_display_name(rid)
                return empty_value(field)
            return getter(rid)
        row = self.row(rid)
        if name in row:
            return row[name]
        return empty_value(field)

    def _related_value(self, rid: int, field: Field) -> Any:
        assert field.related is not None
        model: Model = self
        current: int | None = rid
        *steps, last = field.related
        for step in steps:
            step_field = model.field(step)
            if current is None:
                return empty_value(field)
            current = model.value(current, step_field)
            assert step_field.relation is not None
            model = self.env[step_field.relation]
        if current is None:
            return empty_value(field)
        return model.value(current, model.field(last))

    def _o2m_ids(self, rid: int, field: Field) -> list[int]:
        assert field.relation is not None and field.inverse_name is not None
        index = self.env.registry.o2m_index(field.relation, field.inverse_name)
        children = index.get(rid, [])
        if field.o2m_filter is not None:
            rows = self.store.rows(field.relation)
            children = [c for c in children if field.o2m_filter(rows[c])]
        return list(children)

    def company_default(self, field: Field, company_id: int) -> Any:
        """The value of a company-dependent field nobody set for that company (ir.property
        defaults): the model may override; the registry keeps defaults set by the seed."""
        return self.env.registry.property_default(self.name, field.name, company_id)

    def get___last_update(self, rid: int) -> Any:
        """Odoo 16's ``__last_update``: the last write (or the creation)."""
        row = self.row(rid)
        return row.get("write_date") or row.get("create_date")

    def compute_display_name(self, rid: int) -> str:
        rec_name = self.spec.rec_name
        if rec_name and rec_name in self.spec.fields:
            value = self.value(rid, self.spec.fields[rec_name])
            if value:
                return str(value)
        return f"{self.name},{rid}"

    def display_name(self, rid: int) -> str:
        value: str = self.value(rid, self.spec.fields["display_name"])
        return value

    def read_value(self, rid: int, field: Field, load: str | None = "_classic_read") -> Any:
        value = self.value(rid, field)
        if field.type == "many2one":
            if value is None:
                return False
            assert field.relation is not None
            if load != "_classic_read":
                return value
            comodel = self.env.sudo()[field.relation]
            if not self.store.exists(field.relation, value):
                return False
            return [value, comodel.display_name(value)]
        if field.is_x2many:
            assert field.relation is not None
            return self.env[field.relation].visible_x2many(
                list(value or []), ordered=field.type == "one2many"
            )
        return format_read(field, value)

    def visible_x2many(self, ids: list[int], *, ordered: bool) -> list[int]:
        """Ids of an x2many value as ``read`` shows them: archived ones hidden (active_test),
        one2many in the comodel's order."""
        ids = [rid for rid in ids if self.store.exists(self.name, rid)]
        if self.env.active_test and self.spec.has_active:
            rows = self.rows()
            ids = [rid for rid in ids if rows[rid].get("active", True)]
        if ordered:
            ids = self.sort(ids, None)
        return ids

    # ======================================================================== access rules

    def rule_allows(self, rid: int) -> bool:
        """The multi-company record rule for one record."""
        env = self.env
        rule = self.spec.company_rule
        if env.su or rule == "none":
            return True
        allowed = set(env.company_ids)
        if rule == "self":
            return rid in allowed
        if rule == "company_ids":
            companies = self.value(rid, self.field("company_ids")) or []
            return not companies or bool(set(companies) & allowed)
        company = self.value(rid, self.field("company_id"))
        if company is None:
            return rule == "shared"
        return company in allowed

    def rule_filter(self, ids: Iterable[int]) -> list[int]:
        if self.env.su or self.spec.company_rule == "none":
            return list(ids)
        return [rid for rid in ids if self.rule_allows(rid)]

    def check_access(
        self, ids: list[int], operation: str, *, missing_ok: bool = False
    ) -> list[int]:
        """Existing ids the call may use for ``operation``; MissingError for missing ones (unless
        ``missing_ok``), AccessError (record rule) for ones of companies outside the allowed."""
        existing = self.exists_ids(ids)
        if len(existing) != len(set(ids)) and not missing_ok:
            gone = [rid for rid in dict.fromkeys(ids) if rid not in set(existing)]
            raise messages.missing(self.name, gone, self.env.uid)
        denied = [rid for rid in existing if not self.rule_allows(rid)]
        if denied:
            raise self.rule_error(denied, operation)
        return existing

    def rule_error(self, ids: list[int], operation: str) -> AccessError:
        env = self.env
        suggested: str | None = None
        user_has = False
        if "company_id" in self.spec.fields and self.spec.company_rule in ("strict", "shared"):
            company = self.sudo().value(ids[0], self.field("company_id"))
            if company is not None:
                suggested = self.env.sudo()["res.company"].display_name(company)
                user_has = company in env.user_company_ids
        user_name = str(env.sudo()["res.users"].display_name(env.uid))
        return messages.record_rule(
            self.version,
            model=self.name,
            description=self.spec.description,
            operation=operation,
            user_name=user_name,
            uid=env.uid,
            suggested_company=suggested,
            user_has_company=user_has,
        )

    # ================================================================================ search

    def search_ids(
        self,
        domain: Any = None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        *,
        active_test: bool | None = None,
    ) -> list[int]:
        """``_search``: the visible ids matching the domain, ordered and sliced."""
        if offset is None or offset is False:
            offset = 0
        if not isinstance(offset, int) or isinstance(offset, bool):
            raise ServerTypeError(f"offset must be an integer, got {offset!r}")
        if (
            limit is not None
            and limit is not False
            and (not isinstance(limit, int) or isinstance(limit, bool))
        ):
            raise ServerTypeError(f"limit must be an integer, got {limit!r}")
        order_terms = self.parse_order(order)
        universe = self.rule_filter(self.store.ids(self.name))
        matched = D.evaluate(self.env, self.name, domain, universe, active_test=active_test)
        ids = self.sort(list(matched), order_terms)
        if offset:
            ids = ids[offset:]
        if limit:
            ids = ids[:limit]
        return ids

    def parse_order(self, order: Any) -> list[tuple[str, bool, bool | None]] | None:
        """``[(field, descending, nulls_first)]`` or None for the model's default order."""
        if order is None or order is False or order == "":
            return None
        if not isinstance(order, str):
            raise ServerValueError(f'Invalid "order" specified ({order!r}).')
        terms: list[tuple[str, bool, bool | None]] = []
        for part in order.split(","):
            match = _ORDER_TERM.match(part)
            if not match:
                raise ServerValueError(
                    f'Invalid "order" specified ({order}). A valid "order" specification is a '
                    "comma-separated list of valid field names (optionally followed by asc/desc "
                    "for the direction)"
                )
            fname = match.group("field").split(".")[0]
            field = self.spec.fields.get(fname)
            if field is None:
                raise ServerValueError(messages.invalid_field(self.name, fname))
            if not (
                field.stored or field.inherited_from or field.related or field.company_dependent
            ):
                if self.version >= 18:
                    raise ServerValueError(
                        f"Cannot convert {self.name}.{fname} to SQL because it is not stored"
                    )
                continue  # Odoo <= 17 skips it with a warning
            nulls = match.group("nulls")
            terms.append(
                (
                    fname,
                    (match.group("dir") or "asc").lower() == "desc",
                    None if nulls is None else nulls.lower() == "first",
                )
            )
        return terms

    def default_order_terms(self) -> list[tuple[str, bool, bool | None]]:
        terms: list[tuple[str, bool, bool | None]] = []
        for part in self.spec.order.split(","):
            bits = part.split()
            if not bits:
                continue
            fname = bits[0]
            if fname not in self.spec.fields:
                continue
            descending = len(bits) > 1 and bits[1].lower() == "desc"
            terms.append((fname, descending, None))
        return terms

    def sort(
        self,
        ids: list[int],
        terms: list[tuple[str, bool, bool | None]] | None,
        seen: frozenset[tuple[str, str]] = frozenset(),
    ) -> list[int]:
        if terms is None:
            terms = self.default_order_terms()
        if not any(name == "id" for name, _, _ in terms):
            terms = [*terms, ("id", False, None)]
        result = list(ids)
        for fname, descending, nulls_first in reversed(terms):
            field = self.spec.fields[fname]
            if field.type == "many2one":
                keys = self._many2one_keys(result, field, seen)
            else:
                keys = {rid: self.sort_key(rid, field) for rid in result}
            if nulls_first is None:
                nulls_first = descending  # PostgreSQL: NULLS LAST for ASC, FIRST for DESC
            nulls = [rid for rid in result if keys[rid] is None]
            values = [rid for rid in result if keys[rid] is not None]
            values.sort(key=lambda r: keys[r], reverse=descending)
            result = nulls + values if nulls_first else values + nulls
        return result

    def _many2one_keys(
        self, ids: list[int], field: Field, seen: frozenset[tuple[str, str]] = frozenset()
    ) -> dict[int, Any]:
        """Ordering by a many2one orders by the comodel's whole ``_order``, each term in its
        own direction (``_order_field_to_sql``): the rank of the target in that order. A
        many2one met again on the way (a parent order) orders by id, as Odoo's ``seen`` does."""
        assert field.relation is not None
        targets = {rid: self.value(rid, field) for rid in ids}
        present = sorted(
            {t for t in targets.values() if t is not None and self.store.exists(field.relation, t)}
        )
        step = (self.name, field.name)
        if step in seen:
            ordered = present
        else:
            comodel = self.env.sudo()[field.relation]
            ordered = comodel.sort(present, None, seen | {step})
        rank = {target: n for n, target in enumerate(ordered)}
        return {rid: rank.get(t) if t is not None else None for rid, t in targets.items()}

    def sort_key(self, rid: int, field: Field) -> Any:
        value = self.value(rid, field)
        if field.type == "many2one":
            return self._many2one_keys([rid], field)[rid]
        if field.is_x2many:
            return None
        if value is None:
            return None
        if isinstance(value, str):
            return (value.casefold(), value)
        if field.type == "boolean":
            return bool(value)
        return value

    def name_match_ids(self, operator: str, value: Any) -> set[int]:
        """Ids whose display name matches (what ``_name_search`` finds), archived included."""
        rec_name = self.spec.rec_name
        if rec_name and rec_name in self.spec.fields and self.spec.fields[rec_name].searchable:
            return D.evaluate(self.env, self.name, [(rec_name, operator, value)], active_test=False)
        fake = Field("char", "Display Name", name="display_name")
        test = D._make_test(self.name, fake, operator, value, ("display_name", operator, value))
        return {rid for rid in self.store.ids(self.name) if test(self.compute_display_name(rid))}

    def search_field(self, field: Field, operator: str, value: Any) -> list[Any]:
        """A domain for a leaf on a non-stored field with ``search=True``."""
        if field.name == "display_name":
            ids = self.name_match_ids(operator, value)
            return [("id", "in", sorted(ids))]
        raise ServerValueError(f"Non-stored field {self.name}.{field.name} cannot be searched.")

    # ================================================================================ create

    def defaults(self, names: Iterable[str]) -> dict[str, Any]:
        """Default values (context ``default_<field>`` first, then the field's default)."""
        values: dict[str, Any] = {}
        context = self.env.context
        for fname in names:
            field = self.spec.fields.get(fname)
            if field is None:
                continue
            key = f"default_{fname}"
            if key in context:
                values[fname] = context[key]
            elif field.default is not None:
                default = field.default
                values[fname] = default(self) if callable(default) else default
        return values

    def check_names(self, vals: dict[str, Any]) -> None:
        if not isinstance(vals, dict):
            raise ServerTypeError(f"values must be a dictionary, got {vals!r}")
        for fname in vals:
            if not isinstance(fname, str) or fname not in self.spec.fields:
                raise ServerValueError(messages.invalid_field(self.name, str(fname)))

    def create_records(self, vals_list: list[dict[str, Any]]) -> list[int]:
        """Create records (defaults, delegation, x2many commands, checks, recomputation)."""
        ids: list[int] = []
        for vals in vals_list:
            self.check_names(vals)
            # defaults of delegated fields only matter when the parent is created here
            linked = {p for p, link in self.spec.inherits.items() if vals.get(link)}
            missing_names = [
                n
                for n, f in self.spec.fields.items()
                if n not in vals and f.inherited_from not in linked
            ]
            full = {**self.defaults(missing_names), **vals}
            full = self.prepare_create(full)
            ids.append(self._create_one(full))
        if not ids:
            return ids
        for rid in ids:
            if not self.rule_allows(rid):
                raise self.rule_error([rid], "create")
        self.after_create(ids)
        self.check_required(ids)
        self.check_company(ids)
        return ids

    def _create_one(self, vals: dict[str, Any]) -> int:
        env = self.env
        # delegated (``_inherits``) fields create or update the parent record
        for parent, link in self.spec.inherits.items():
            parent_vals = {
                k: v
                for k, v in vals.items()
                if k in self.spec.fields and self.spec.fields[k].inherited_from == parent
            }
            for k in parent_vals:
                vals.pop(k)
            if vals.get(link):
                if parent_vals:
                    env[parent].write_records([vals[link]], parent_vals)
            else:
                vals[link] = env[parent].create_records([parent_vals])[0]
        rid = self.store.next_id(self.name)
        row: dict[str, Any] = {"id": rid}
        for field in self.spec.stored_fields():
            row[field.name] = empty_value(field)
        deferred: list[tuple[Field, Any]] = []
        for fname, value in vals.items():
            field = self.spec.fields[fname]
            if fname == "id" or field.inherited_from is not None:
                continue
            if field.related is not None:
                deferred.append((field, value))
                continue
            if field.is_x2many:
                deferred.append((field, value))
                continue
            if field.computed and not field.inverse:
                continue
            if not field.store and not field.company_dependent:
                deferred.append((field, value))
                continue
            row[fname] = self.convert(field, value)
        if self.spec.fields.get("create_uid") is not None:
            row.update(
                create_uid=env.uid, create_date=env.now, write_uid=env.uid, write_date=env.now
            )
        self.store.insert(self.name, row)
        for field, value in deferred:
            self.write_field(rid, field, value)
        return rid

    def convert(self, field: Field, value: Any) -> Any:
        """A client value in the stored form, with the many2one target checked."""
        if field.company_dependent:
            inner = to_internal(self.name, field, value)
            if field.type == "many2one" and inner is not None:
                self.check_target(field, inner)
            return {self.env.company_id: inner}
        inner = to_internal(self.name, field, value)
        if field.type == "many2one" and inner is not None:
            self.check_target(field, inner)
        return inner

    def check_target(self, field: Field, target: int) -> None:
        assert field.relation is not None
        if not self.store.exists(field.relation, target):
            table = self.name.replace(".", "_")
            raise messages.foreign_key(
                self.version,
                model=self.name,
                description=self.spec.description,
                constraint=f"{table}_{field.name}_fkey",
            )

    def write_field(self, rid: int, field: Field, value: Any) -> None:
        """Write one non-stored-in-row field value: x2many commands, related write-through,
        inverse computed fields (``set_<field>``)."""
        if field.is_x2many:
            self.apply_commands(rid, field, value)
            return
        if field.related is not None:
            if field.readonly:
                return
            *steps, last = field.related
            model: Model = self
            current: int | None = rid
            for step in steps:
                step_field = model.field(step)
                current = model.value(current, step_field) if current is not None else None
                assert step_field.relation is not None
                model = self.env[step_field.relation]
            if current is not None:
                model.write_records([current], {last: value})
            return
        setter = getattr(self, f"set_{field.name}", None)
        if setter is not None:
            setter(rid, value)
        elif field.company_dependent:
            stored = dict(self.row(rid).get(field.name) or {})
            stored.update(self.convert(field, value))
            self.store.update(self.name, rid, {field.name: stored})

    # ================================================================ x2many commands

    def apply_commands(self, rid: int, field: Field, value: Any) -> None:
        assert field.relation is not None
        commands = normalize_commands(self.name, field, value)
        comodel = self.env[field.relation]
        if field.type == "one2many":
            inverse = field.inverse_name
            assert inverse is not None
            inverse_field = comodel.field(inverse)
            drop = inverse_field.required or inverse_field.effective_ondelete() == "cascade"

            def detach(child: int) -> None:
                if not self.store.exists(field.relation or "", child):
                    return
                if drop:
                    comodel.unlink_records([child])
                else:
                    comodel.write_records([child], {inverse: False})

            for command in commands:
                code = command[0]
                if code == 0:
                    comodel.create_records([{**command[2], inverse: rid}])
                elif code == 1:
                    comodel.write_records([command[1]], command[2])
                elif code == 2:
                    comodel.unlink_records([command[1]])
                elif code == 3:
                    detach(command[1])
                elif code == 4:
                    comodel.write_records([command[1]], {inverse: rid})
                elif code == 5:
                    for child in self._o2m_ids(rid, field):
                        detach(child)
                elif code == 6:
                    keep = set(command[2])
                    for child in self._o2m_ids(rid, field):
                        if child not in keep:
                            detach(child)
                    for child in command[2]:
                        if child not in self._o2m_ids(rid, field):
                            comodel.write_records([child], {inverse: rid})
            return
        current: list[int] = list(self.row(rid).get(field.name) or [])
        for command in commands:
            code = command[0]
            if code == 0:
                new_id = comodel.create_records([command[2]])[0]
                current.append(new_id)
            elif code == 1:
                comodel.write_records([command[1]], command[2])
                if command[1] not in current:
                    current.append(command[1])
            elif code == 2:
                current = [c for c in current if c != command[1]]
                comodel.unlink_records([command[1]])
            elif code == 3:
                current = [c for c in current if c != command[1]]
            elif code == 4:
                if not self.store.exists(field.relation, command[1]):
                    self.check_target(field, command[1])
                if command[1] not in current:
                    current.append(command[1])
            elif code == 5:
                current = []
            elif code == 6:
                for target in command[2]:
                    if not self.store.exists(field.relation, target):
                        self.check_target(field, target)
                current = list(dict.fromkeys(command[2]))
        if current != (self.row(rid).get(field.name) or []):
            self.store.update(self.name, rid, {field.name: current})

    # ================================================================================= write

    def write_records(self, ids: list[int], vals: dict[str, Any]) -> None:
        self.check_names(vals)
        ids = self.check_access(ids, "write")
        if not ids:
            return
        vals = self.prepare_write(ids, dict(vals))
        env = self.env
        for rid in ids:
            changes: dict[str, Any] = {}
            deferred: list[tuple[Field, Any]] = []
            parent_vals: dict[str, dict[str, Any]] = {}
            for fname, value in vals.items():
                field = self.spec.fields[fname]
                if fname == "id":
                    continue
                if field.inherited_from is not None:
                    parent_vals.setdefault(field.inherited_from, {})[fname] = value
                    continue
                if field.computed and not field.inverse:
                    continue
                if field.is_x2many or field.related is not None or field.company_dependent:
                    deferred.append((field, value))
                    continue
                if not field.store:
                    deferred.append((field, value))
                    continue
                changes[fname] = self.convert(field, value)
            for parent, pvals in parent_vals.items():
                link_id = self.row(rid).get(self.spec.inherits[parent])
                if link_id:
                    env[parent].write_records([link_id], pvals)
            if "write_date" in self.spec.fields:
                changes.update(write_uid=env.uid, write_date=env.now)
            self.store.update(self.name, rid, changes)
            for field, value in deferred:
                self.write_field(rid, field, value)
        self.after_write(ids, set(vals))
        self.check_required(ids)
        self.check_company(ids, set(vals))

    def set_values(self, rid: int, values: dict[str, Any], *, touch: bool = True) -> bool:
        """Store computed values (internal form); bump write_date if something changed."""
        row = self.row(rid)
        changes = {k: v for k, v in values.items() if row.get(k) != v}
        if not changes:
            return False
        if touch and "write_date" in self.spec.fields:
            changes.update(write_uid=self.env.uid, write_date=self.env.now)
        self.store.update(self.name, rid, changes)
        return True

    # ================================================================================ unlink

    def unlink_records(self, ids: list[int]) -> None:
        ids = self.check_access(ids, "unlink", missing_ok=True)
        if not ids:
            return
        self.check_unlink(ids)
        token = self.before_unlink(ids)
        self.raw_unlink(ids)
        self.after_unlink(ids, token)

    def raw_unlink(self, ids: list[int]) -> None:
        """Delete rows with the database's ON DELETE behaviour on every reference."""
        registry = self.env.registry
        doomed = set(ids)
        for other, field in registry.references_to(self.name):
            other_rows = self.store.rows(other)
            if field.type == "many2one":
                hits = [orid for orid, r in other_rows.items() if r.get(field.name) in doomed]
                if other == self.name:
                    hits = [h for h in hits if h not in doomed]
                if not hits:
                    continue
                mode = field.effective_ondelete()
                if mode == "cascade":
                    self.env.sudo()[other].raw_unlink(hits)
                elif mode == "restrict":
                    spec = registry.specs[other]
                    raise messages.foreign_key(
                        self.version,
                        model=other,
                        description=spec.description,
                        constraint=f"{other.replace('.', '_')}_{field.name}_fkey",
                    )
                else:
                    for orid in hits:
                        self.store.update(other, orid, {field.name: None})
            else:
                for orid, r in list(other_rows.items()):
                    current = r.get(field.name) or []
                    if doomed & set(current):
                        self.store.update(
                            other, orid, {field.name: [c for c in current if c not in doomed]}
                        )
        for rid in ids:
            if self.store.exists(self.name, rid):
                self.store.delete(self.name, rid)

    # ================================================================================ checks

    def check_required(self, ids: list[int]) -> None:
        for field in self.spec.fields.values():
            if not field.required or not field.stored:
                continue
            for rid in ids:
                row = self.store.get(self.name, rid)
                if row is None:
                    continue
                if is_empty(field, row.get(field.name)):
                    raise messages.not_null(
                        self.version,
                        model=self.name,
                        description=self.spec.description,
                        field=field.name,
                        label=field.string,
                    )

    def record_company(self, rid: int) -> int | None:
        if "company_id" not in self.spec.fields:
            return None
        field = self.spec.fields["company_id"]
        if field.type != "many2one":
            return None
        value: int | None = self.value(rid, field)
        return value

    def check_company(self, ids: list[int], names: set[str] | None = None) -> None:
        """``_check_company``: records linked through ``check_company`` fields must belong to
        the record's company (or to none)."""
        fields = [
            f
            for f in self.spec.fields.values()
            if f.check_company and (names is None or f.name in names)
        ]
        if not fields:
            return
        sudo = self.env.sudo()
        for rid in ids:
            if not self.store.exists(self.name, rid):
                continue
            company = self.record_company(rid)
            if company is None:
                continue
            problems: list[str] = []
            for field in fields:
                assert field.relation is not None
                value = self.value(rid, field)
                targets = [value] if field.type == "many2one" else list(value or [])
                comodel = sudo[field.relation]
                bad = []
                for target in targets:
                    if target is None or not self.store.exists(field.relation, target):
                        continue
                    if field.relation == "res.company":
                        other: Any = target
                    elif "company_ids" in comodel.spec.fields and (
                        comodel.spec.fields["company_ids"].type == "many2many"
                    ):
                        companies = comodel.value(target, comodel.field("company_ids")) or []
                        other = company if not companies or company in companies else companies[0]
                    else:
                        other = comodel.record_company(target)
                    if other is not None and other != company:
                        bad.append(target)
                if bad:
                    values = ", ".join(repr(comodel.display_name(b)) for b in bad)
                    problems.append(
                        f"- {self.display_name(rid)!r} belongs to company "
                        f"{sudo['res.company'].display_name(company)!r} and {field.string!r} "
                        f"({field.name}: {values}) belongs to another company."
                    )
            if problems:
                raise UserError("Incompatible companies on records:\n" + "\n".join(problems))

    # ================================================================================= hooks

    def prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        return vals

    def after_create(self, ids: list[int]) -> None:
        self.recompute(ids)

    def prepare_write(self, ids: list[int], vals: dict[str, Any]) -> dict[str, Any]:
        return vals

    def after_write(self, ids: list[int], names: set[str]) -> None:
        self.recompute(ids)

    def recompute(self, ids: list[int]) -> None:
        """Recompute stored computed fields of these records."""

    def check_unlink(self, ids: list[int]) -> None:
        """Refuse deletions the model forbids."""

    def before_unlink(self, ids: list[int]) -> Any:
        return None

    def after_unlink(self, ids: list[int], token: Any) -> None:
        """React to a deletion (``token`` is what ``before_unlink`` returned)."""

    def copy_values(self, rid: int, default: dict[str, Any]) -> dict[str, Any]:
        """``copy_data``: the values a copy is created with."""
        vals: dict[str, Any] = {}
        for field in self.spec.fields.values():
            if not field.copy or field.name in ("id", "display_name") or field.computed:
                continue
            if field.inherited_from is not None or field.related is not None:
                continue
            if field.name in ("create_uid", "create_date", "write_uid", "write_date"):
                continue
            value = self.value(rid, field)
            if field.type == "many2one":
                vals[field.name] = value or False
            elif field.type == "many2many":
                vals[field.name] = [(6, 0, list(value or []))]
            elif field.type == "one2many":
                assert field.relation is not None and field.inverse_name is not None
                comodel = self.env[field.relation]
                lines = []
                for child in comodel.sort(list(value or []), None):
                    child_vals = comodel.copy_values(child, {})
                    child_vals.pop(field.inverse_name, None)
                    lines.append((0, 0, child_vals))
                vals[field.name] = lines
            elif field.company_dependent:
                continue
            else:
                vals[field.name] = format_read(field, value)
        vals.update(default)
        return vals

    # =================================================================== public (RPC) API

    @rpc("model", owner="BaseModel", until=16, name="search")
    def search_v16(
        self,
        domain: Any,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        count: bool = False,
    ) -> Any:
        if count:
            return len(self.search_ids(domain))
        return Records(self.name, tuple(self.search_ids(domain, offset, limit, order)))

    @rpc("model", owner="BaseModel", since=17)
    def search(
        self, domain: Any, offset: int = 0, limit: int | None = None, order: str | None = None
    ) -> Records:
        return Records(self.name, tuple(self.search_ids(domain, offset, limit, order)))

    @rpc("model", owner="BaseModel", until=16, name="search_count")
    def search_count_v16(self, domain: Any) -> int:
        return len(self.search_ids(domain))

    @rpc("model", owner="BaseModel", since=17)
    def search_count(self, domain: Any, limit: int | None = None) -> int:
        ids = self.search_ids(domain)
        return min(len(ids), limit) if limit else len(ids)

    @rpc("model", owner="BaseModel")
    def search_read(
        self,
        domain: Any = None,
        fields: list[str] | None = None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        load: str | None = "_classic_read",
    ) -> list[dict[str, Any]]:
        names = self.read_names(fields)
        ids = self.search_ids(domain, offset, limit, order)
        return [self.read_row(rid, names, load) for rid in ids]

    @rpc("records", owner="BaseModel")
    def read(
        self, ids: list[int], fields: list[str] | None = None, load: str | None = "_classic_read"
    ) -> list[dict[str, Any]]:
        names = self.read_names(fields)
        ids = self.check_access(list(dict.fromkeys(ids)), "read")
        return [self.read_row(rid, names, load) for rid in ids]

    def read_names(self, fields: Any) -> list[str]:
        if fields is None or fields is False or fields == []:
            return [n for n in self.spec.fields if n != "id" and self.readable(n)]
        if isinstance(fields, str) or not isinstance(fields, list | tuple):
            raise ServerTypeError(f"fields must be a list of field names, got {fields!r}")
        names: list[str] = []
        for name in fields:
            if not isinstance(name, str) or name not in self.spec.fields:
                raise ServerValueError(messages.invalid_field(self.name, str(name)))
            if name != "id" and name not in names:
                names.append(name)
        return names

    def readable(self, name: str) -> bool:
        return True

    def read_row(self, rid: int, names: list[str], load: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {"id": rid}
        for name in names:
            out[name] = self.read_value(rid, self.spec.fields[name], load)
        return out

    @rpc("create", owner="BaseModel")
    def create(self, vals_list: Any) -> Records:
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        if not isinstance(vals_list, list | tuple):
            raise ServerTypeError(f"create() expects a dict or a list of dicts, got {vals_list!r}")
        return Records(self.name, tuple(self.create_records(list(vals_list))))

    @rpc("records", owner="BaseModel")
    def write(self, ids: list[int], vals: dict[str, Any]) -> bool:
        self.write_records(ids, vals)
        return True

    @rpc("records", owner="BaseModel")
    def unlink(self, ids: list[int]) -> bool:
        self.unlink_records(ids)
        return True

    @rpc("model", owner="BaseModel")
    def fields_get(
        self, allfields: list[str] | None = None, attributes: list[str] | None = None
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for name, field in self.spec.fields.items():
            if allfields and name not in allfields:
                continue
            if not self.readable(name):
                continue
            info = describe(self.name, field, self.version)
            if attributes:
                info = {k: v for k, v in info.items() if k in attributes}
            result[name] = info
        return result

    @rpc("model", owner="BaseModel", until=17, name="name_search")
    def name_search_v17(
        self, name: str = "", args: Any = None, operator: str = "ilike", limit: int = 100
    ) -> list[list[Any]]:
        return self._name_search(name, args, operator, limit)

    @rpc("model", owner="BaseModel", since=18)
    def name_search(
        self, name: str = "", domain: Any = None, operator: str = "ilike", limit: int = 100
    ) -> list[list[Any]]:
        return self._name_search(name, domain, operator, limit)

    def _name_search(
        self, name: str, domain: Any, operator: str, limit: int | None
    ) -> list[list[Any]]:
        tokens = D.normalize(domain, self.version) if domain else []
        if name or operator not in ("ilike", "like", "=like", "=ilike"):
            matched = self.name_match_ids(operator, name)
            tokens = ["&", *(tokens or [D.TRUE_LEAF]), ("id", "in", sorted(matched))]
        ids = self.search_ids(tokens or [], 0, limit or None)
        return [[rid, self.display_name(rid)] for rid in ids]

    @rpc("records", owner="BaseModel", until=17)
    def name_get(self, ids: list[int]) -> list[list[Any]]:
        ids = self.check_access(list(dict.fromkeys(ids)), "read")
        return [[rid, self.display_name(rid)] for rid in ids]

    @rpc("model", owner="BaseModel")
    def default_get(self, fields_list: list[str]) -> dict[str, Any]:
        if not isinstance(fields_list, list | tuple):
            raise ServerTypeError(f"fields_list must be a list, got {fields_list!r}")
        values = self.defaults([f for f in fields_list if isinstance(f, str)])
        if self.spec.transient:
            # wizards compute their defaults from the context (active_model / active_ids)
            values = {
                k: v
                for k, v in self.prepare_create(self.defaults(list(self.spec.fields))).items()
                if k in fields_list
            }
        return self.write_format(values)

    def write_format(self, values: dict[str, Any]) -> dict[str, Any]:
        """Values as ``default_get`` answers them: dates as strings, x2many as commands."""
        out: dict[str, Any] = {}
        for fname, value in values.items():
            field = self.spec.fields[fname]
            if field.type in ("date", "datetime") and not isinstance(value, str):
                out[fname] = format_read(field, value)
            elif (
                field.is_x2many and isinstance(value, list) and value and isinstance(value[0], int)
            ):
                out[fname] = [(6, 0, value)]
            else:
                out[fname] = value if value is not None else False
        return out

    @rpc("records", owner="BaseModel")
    def copy(self, ids: list[int], default: dict[str, Any] | None = None) -> Records:
        ids = self.check_access(list(dict.fromkeys(ids)), "read")
        if self.version <= 17 and len(ids) != 1:
            raise ServerValueError(f"Expected singleton: {messages.recordset_repr(self.name, ids)}")
        new_ids = []
        for rid in ids:
            vals = self.copy_values(rid, dict(default or {}))
            new_ids.extend(self.create_records([vals]))
        return Records(self.name, tuple(new_ids))

    @rpc("records", owner="BaseModel")
    def exists(self, ids: list[int]) -> Records:
        return Records(self.name, tuple(self.exists_ids(ids)))

    @rpc("model", owner="BaseModel", until=17)
    def check_access_rights(self, operation: str, raise_exception: bool = True) -> bool:
        if operation not in ("read", "write", "create", "unlink"):
            raise ServerValueError(f"Invalid access mode: {operation}")
        return True


__all__ = [
    "MODEL_CLASSES",
    "AccessError",
    "Model",
    "ValidationError",
    "model_class",
]
