"""Odoo search domains: validation, normal form and evaluation over in-memory rows.

A domain is a list of leaves ``(path, operator, value)`` and the prefix operators ``'&'``,
``'|'`` and ``'!'`` (AND is implicit between consecutive terms). ``normalize`` checks the
syntax as ``odoo.osv.expression`` does; ``evaluate`` returns the ids of a model's rows that match,
following the semantics of Odoo's SQL translation:

* negative operators (``!=``, ``not in``, ``not like``, ``not ilike``) include rows where the
  field is empty, positive ones never match an empty field (SQL ``NULL`` rules as Odoo writes
  them); ``!`` is pushed down into the leaves like ``distribute_not`` does;
* a dotted path (``partner_id.country_id.code``) means "some related record matches the rest";
  many2one steps ignore ``active``, x2many steps follow ``active_test``;
* a string compared with a many2one or x2many field is a name search on the comodel;
* ``any`` / ``not any`` take a sub-domain (Odoo 17+); ``child_of`` / ``parent_of`` follow the
  model's parent field;
* a ``datetime`` field compared with a bare date uses 00:00:00, or 23:59:59 for ``>`` and ``<=``;
  stored values keep microseconds: 16-18 compare them exactly, 19 to the whole second.

The evaluator sees the data only through the small ``DomainSource`` protocol, so it can be tested
on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Protocol

from ..exceptions import ServerValueError
from .fields import DATETIME_FORMAT, Field, parse_date, parse_datetime

TRUE_LEAF = (1, "=", 1)
FALSE_LEAF = (0, "=", 1)
NOT, AND, OR = "!", "&", "|"
DOMAIN_OPERATORS = (NOT, AND, OR)
_ARITY = {NOT: 1, AND: 2, OR: 2}

BASE_OPERATORS = (
    "=",
    "!=",
    "<=",
    "<",
    ">",
    ">=",
    "=?",
    "=like",
    "=ilike",
    "like",
    "not like",
    "ilike",
    "not ilike",
    "in",
    "not in",
    "child_of",
    "parent_of",
)
ANY_OPERATORS = ("any", "not any")
_ALIASES = {"<>": "!=", "==": "="}

#: how ``distribute_not`` rewrites a negated leaf
NEGATION = {
    "<": ">=",
    ">": "<=",
    "<=": ">",
    ">=": "<",
    "=": "!=",
    "!=": "=",
    "like": "not like",
    "not like": "like",
    "ilike": "not ilike",
    "not ilike": "ilike",
    "in": "not in",
    "not in": "in",
    "any": "not any",
    "not any": "any",
}
NEGATIVE_OPERATORS = frozenset({"!=", "not like", "not ilike", "not in", "not any"})


class DomainSource(Protocol):
    """What the evaluator needs to know about the data."""

    @property
    def version(self) -> int:
        """The Odoo major version."""
        ...

    @property
    def active_test(self) -> bool:
        """Whether archived records are hidden (context ``active_test``)."""
        ...

    def field(self, model: str, name: str) -> Field | None:
        """The field of that name on the model, or None."""
        ...

    def all_ids(self, model: str) -> set[int]:
        """Every row id of the model (archived ones too, no access rules)."""
        ...

    def value(self, model: str, rid: int, field: Field) -> Any:
        """The internal value of a stored-like field: an id or None for many2one, a list of ids
        for x2many (all of them, archived included), date/datetime objects, plain scalars."""
        ...

    def name_search_ids(self, model: str, operator: str, value: Any) -> set[int]:
        """Ids of the model whose display name matches ``(name, operator, value)``."""
        ...

    def parent_field(self, model: str) -> str | None:
        """The many2one to the parent (``parent_id``) for child_of / parent_of."""
        ...

    def has_active(self, model: str) -> bool:
        """Whether the model has an ``active`` field."""
        ...

    def custom_search(self, model: str, field: Field, operator: str, value: Any) -> list[Any]:
        """A domain replacing a leaf on a non-stored field that has a search method."""
        ...


# --------------------------------------------------------------------------------------------
# Syntax
# --------------------------------------------------------------------------------------------


def _operators(version: int) -> tuple[str, ...]:
    return BASE_OPERATORS + (ANY_OPERATORS if version >= 17 else ())


def normalize_leaf(leaf: Sequence[Any], version: int) -> tuple[Any, str, Any]:
    """Check one leaf and lower-case its operator, or raise ``Invalid leaf``."""
    if len(leaf) != 3:
        raise ServerValueError(f"Invalid leaf {_leaf_repr(leaf)}")
    left, operator, right = leaf
    if isinstance(operator, str):
        operator = _ALIASES.get(operator.lower(), operator.lower())
    if (left, operator, right) in (TRUE_LEAF, FALSE_LEAF):
        return (left, operator, right)
    if not isinstance(left, str) or not left or operator not in _operators(version):
        raise ServerValueError(f"Invalid leaf {_leaf_repr(leaf)}")
    if operator in ANY_OPERATORS:
        if not isinstance(right, list | tuple):
            raise ServerValueError(f"Invalid leaf {_leaf_repr(leaf)}")
        right = normalize(right, version)
    return (left, operator, right)


def _leaf_repr(leaf: Sequence[Any]) -> str:
    return repr(tuple(leaf)) if isinstance(leaf, list) else repr(leaf)


def normalize(domain: Any, version: int = 17) -> list[Any]:
    """The domain in prefix form with every AND explicit; ``[]`` becomes ``[TRUE_LEAF]``."""
    if domain is None or domain is False:
        domain = []
    if not isinstance(domain, list | tuple):
        raise ServerValueError(
            "Domains to normalize must have a 'domain' form: a list or tuple of domain components"
        )
    if not domain:
        return [TRUE_LEAF]
    result: list[Any] = []
    expected = 1
    for token in domain:
        if expected == 0:
            result.insert(0, AND)
            expected = 1
        if isinstance(token, list | tuple):
            expected -= 1
            result.append(normalize_leaf(token, version))
        elif isinstance(token, str) and token in DOMAIN_OPERATORS:
            expected += _ARITY[token] - 1
            result.append(token)
        else:
            raise ServerValueError(f"Invalid leaf {token!r}")
    if expected != 0:
        raise ServerValueError(f"Domain {list(domain)!r} is syntactically not correct.")
    return result


@dataclass(frozen=True)
class _Node:
    op: str  # '&', '|', '!' or 'leaf'
    children: tuple[_Node, ...] = ()
    leaf: tuple[Any, str, Any] | None = None


def _tree(tokens: list[Any]) -> _Node:
    stack: list[_Node] = []
    for token in reversed(tokens):
        if isinstance(token, tuple):
            stack.append(_Node("leaf", leaf=token))
        elif token == NOT:
            stack.append(_Node(NOT, (stack.pop(),)))
        else:
            first, second = stack.pop(), stack.pop()
            stack.append(_Node(token, (first, second)))
    if len(stack) != 1:  # pragma: no cover - normalize() guarantees it
        raise ServerValueError(f"Domain {tokens!r} is syntactically not correct.")
    return stack[0]


def mentions(domain: list[Any], fname: str) -> bool:
    """Whether a top-level leaf of the (normalized) domain is on ``fname`` (Odoo's active test)."""
    return any(isinstance(t, tuple) and t[0] == fname for t in domain)


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------


def evaluate(
    source: DomainSource,
    model: str,
    domain: Any,
    universe: Iterable[int] | None = None,
    *,
    active_test: bool | None = None,
) -> set[int]:
    """Ids of ``universe`` (default: every row) matching ``domain``.

    ``active_test`` adds Odoo's implicit ``('active', '=', True)`` when the model has an
    ``active`` field and no top-level leaf mentions it (default: the source's setting).
    """
    tokens = normalize(domain, source.version)
    ids = set(source.all_ids(model) if universe is None else universe)
    if active_test is None:
        active_test = source.active_test
    if active_test and source.has_active(model) and not mentions(tokens, "active"):
        active = source.field(model, "active")
        assert active is not None
        ids = {rid for rid in ids if source.value(model, rid, active)}
    return _Evaluator(source).node(model, _tree(tokens), ids, negate=False)


class _Evaluator:
    def __init__(self, source: DomainSource) -> None:
        self.source = source

    def node(self, model: str, node: _Node, ids: set[int], *, negate: bool) -> set[int]:
        if node.op == "leaf":
            assert node.leaf is not None
            return self.leaf(model, node.leaf, ids, negate=negate)
        if node.op == NOT:
            return self.node(model, node.children[0], ids, negate=not negate)
        first = self.node(model, node.children[0], ids, negate=negate)
        is_and = (node.op == AND) != negate
        if is_and:
            return self.node(model, node.children[1], first, negate=negate) if first else set()
        return first | self.node(model, node.children[1], ids - first, negate=negate)

    # ---- leaves ---------------------------------------------------------------------------

    def leaf(
        self, model: str, leaf: tuple[Any, str, Any], ids: set[int], *, negate: bool
    ) -> set[int]:
        left, operator, right = leaf
        if leaf in (TRUE_LEAF, FALSE_LEAF):
            truth = (leaf == TRUE_LEAF) != negate
            return set(ids) if truth else set()
        if negate:
            if operator in NEGATION:
                operator = NEGATION[operator]
            else:
                return ids - self.leaf(model, (left, operator, right), ids, negate=False)
        return self.positive(model, left, operator, right, ids, leaf)

    def positive(
        self,
        model: str,
        path: str,
        operator: str,
        right: Any,
        ids: set[int],
        leaf: tuple[Any, str, Any],
    ) -> set[int]:
        source = self.source
        fname, _, rest = path.partition(".")
        field = source.field(model, fname)
        if field is None:
            raise ServerValueError(f"Invalid field {fname!r} in leaf {_leaf_repr(leaf)}")
        # related and inherited fields are searched through their path
        if field.related is not None:
            target = ".".join(field.related) + (f".{rest}" if rest else "")
            return self.positive(model, target, operator, right, ids, leaf)
        if field.inherited_from is not None:
            link = _inherits_link(source, model, field)
            target = f"{link}.{fname}" + (f".{rest}" if rest else "")
            return self.positive(model, target, operator, right, ids, leaf)
        if not field.stored and field.type != "one2many" and not field.company_dependent:
            if field.search:
                sub = source.custom_search(model, field, operator, right)
                return evaluate(source, model, sub, ids, active_test=False)
            if source.version >= 18:
                raise ServerValueError(f"Non-stored field {model}.{fname} cannot be searched.")
            return set(ids)  # Odoo <= 17 logs an error and ignores the leaf
        if rest:
            if not field.is_relational or field.relation is None:
                raise ServerValueError(f"Invalid field {fname!r} in leaf {_leaf_repr(leaf)}")
            sub_ids = self.sub_search(field, [(rest, operator, right)])
            return self.related_match(model, field, ids, sub_ids, exists=True)
        if operator in ANY_OPERATORS:
            if not field.is_relational or field.relation is None:
                raise ServerValueError(
                    f"Operator {operator!r} can only be used on relational fields, "
                    f"not on {model}.{fname}"
                )
            sub_ids = self.sub_search(field, right)
            return self.related_match(model, field, ids, sub_ids, exists=operator == "any")
        if operator in ("child_of", "parent_of"):
            return self.hierarchy(model, field, operator, right, ids)
        if operator == "=?":
            if right is None or right is False:
                return set(ids)
            operator = "="
        if field.type == "many2one":
            return self.many2one(model, field, operator, right, ids, leaf)
        if field.is_x2many:
            return self.x2many(model, field, operator, right, ids, leaf)
        return self.scalar(model, field, operator, right, ids, leaf)

    def sub_search(self, field: Field, domain: Any) -> set[int]:
        assert field.relation is not None
        active_test = self.source.active_test if field.is_x2many else False
        return evaluate(self.source, field.relation, domain, active_test=active_test)

    def related_match(
        self, model: str, field: Field, ids: set[int], sub_ids: set[int], *, exists: bool
    ) -> set[int]:
        out: set[int] = set()
        for rid in ids:
            value = self.source.value(model, rid, field)
            if field.type == "many2one":
                hit = value is not None and value in sub_ids
            else:
                hit = any(v in sub_ids for v in value or ())
            if hit == exists:
                out.add(rid)
        return out

    # ---- relational ------------------------------------------------------------------------

    def _names_to_ids(self, field: Field, operator: str, right: Any) -> tuple[set[int], bool]:
        """A string criterion on a relational field: (matching comodel ids, negative?)."""
        assert field.relation is not None
        if operator in ("<", ">", "<=", ">="):
            operator = "in"
        if isinstance(right, tuple):
            right = list(right)
        if not isinstance(right, list) and operator in ("in", "not in"):
            operator = {"in": "=", "not in": "!="}[operator]
        elif isinstance(right, list) and operator in ("=", "!="):
            operator = {"=": "in", "!=": "not in"}[operator]
        negative = operator in NEGATIVE_OPERATORS
        positive_op = NEGATION[operator] if negative else operator
        return self.source.name_search_ids(field.relation, positive_op, right), negative

    def many2one(
        self,
        model: str,
        field: Field,
        operator: str,
        right: Any,
        ids: set[int],
        leaf: tuple[Any, str, Any],
    ) -> set[int]:
        if _is_names(right) and operator not in ("<", ">", "<=", ">="):
            matched, negative = self._names_to_ids(field, operator, right)
            out = set()
            for rid in ids:
                value = self.source.value(model, rid, field)
                if negative:
                    if value is None or value not in matched:
                        out.add(rid)
                elif value is not None and value in matched:
                    out.add(rid)
            return out
        return self.scalar(model, field, operator, right, ids, leaf)

    def x2many(
        self,
        model: str,
        field: Field,
        operator: str,
        right: Any,
        ids: set[int],
        leaf: tuple[Any, str, Any],
    ) -> set[int]:
        source = self.source
        assert field.relation is not None
        if _is_names(right):
            matched, negative = self._names_to_ids(field, operator, right)
        elif right is False or right is None:
            if operator not in ("=", "!=", "in", "not in"):
                raise ServerValueError(f"Invalid domain term {_leaf_repr(leaf)}")
            want_empty = operator in ("=", "in")
            return {rid for rid in ids if (not self._x2many_ids(model, rid, field)) == want_empty}
        elif operator in ("=", "!=", "in", "not in"):
            values = right if isinstance(right, list | tuple) else [right]
            matched = {v for v in values if isinstance(v, int) and not isinstance(v, bool)}
            negative = operator in ("!=", "not in")
            if False in values:
                # (x, 'in', [1, False]): linked to 1, or not linked at all
                return {
                    rid
                    for rid in ids
                    if (
                        bool(set(self._x2many_ids(model, rid, field)) & matched)
                        or not self._x2many_ids(model, rid, field)
                    )
                    != negative
                }
        else:
            # comparisons on x2many: compare the comodel ids
            id_field = source.field(field.relation, "id")
            assert id_field is not None
            matched = self.scalar(
                field.relation,
                id_field,
                operator,
                right,
                source.all_ids(field.relation),
                leaf,
            )
            negative = False
        out = set()
        for rid in ids:
            hit = bool(set(self._x2many_ids(model, rid, field)) & matched)
            if hit != negative:
                out.add(rid)
        return out

    def _x2many_ids(self, model: str, rid: int, field: Field) -> list[int]:
        values: list[int] = self.source.value(model, rid, field) or []
        assert field.relation is not None
        if field.is_x2many and self.source.active_test and self.source.has_active(field.relation):
            active = self.source.field(field.relation, "active")
            assert active is not None
            values = [v for v in values if self.source.value(field.relation, v, active)]
        return values

    def hierarchy(
        self, model: str, field: Field, operator: str, right: Any, ids: set[int]
    ) -> set[int]:
        source = self.source
        comodel = model if field.name == "id" else field.relation
        if comodel is None:
            raise ServerValueError(f"Operator {operator!r} needs a relational field")
        if _is_names(right):
            start = source.name_search_ids(
                comodel, "ilike" if isinstance(right, str) else "in", right
            )
        else:
            values = right if isinstance(right, list | tuple) else [right]
            start = {v for v in values if isinstance(v, int) and not isinstance(v, bool)}
        parent = source.parent_field(comodel)
        if parent is None:
            targets = set(start)
        else:
            parent_field = source.field(comodel, parent)
            assert parent_field is not None
            everything = source.all_ids(comodel)
            if operator == "child_of":
                targets = set(start) & everything
                frontier = set(targets)
                while frontier:
                    frontier = {
                        cid
                        for cid in everything - targets
                        if source.value(comodel, cid, parent_field) in frontier
                    }
                    targets |= frontier
            else:
                targets = set()
                for cid in start & everything:
                    seen: set[int] = set()
                    node: int | None = cid
                    while node is not None and node not in seen:
                        seen.add(node)
                        node = source.value(comodel, node, parent_field)
                    targets |= seen
        out = set()
        for rid in ids:
            if field.name == "id":
                if rid in targets:
                    out.add(rid)
                continue
            value = source.value(model, rid, field)
            if field.type == "many2one":
                if value is not None and value in targets:
                    out.add(rid)
            elif set(value or ()) & targets:
                out.add(rid)
        return out

    # ---- scalars ---------------------------------------------------------------------------

    def scalar(
        self,
        model: str,
        field: Field,
        operator: str,
        right: Any,
        ids: set[int],
        leaf: tuple[Any, str, Any],
    ) -> set[int]:
        source = self.source
        values = {rid: source.value(model, rid, field) for rid in ids}
        if field.type == "boolean":
            values = {rid: bool(v) for rid, v in values.items()}
        elif field.type == "datetime" and source.version >= 19:
            # 19's engine compares datetimes to the whole second (``=`` is a one-second range,
            # ``>`` T is ``>=`` T+1s); 16-18 hand the value to SQL, which compares exactly.
            values = {rid: _whole_second(v) for rid, v in values.items()}
        test = _make_test(model, field, operator, right, leaf)
        return {rid for rid, value in values.items() if test(value)}


def _whole_second(value: Any) -> Any:
    return value.replace(microsecond=0) if isinstance(value, datetime) else value


def _inherits_link(source: DomainSource, model: str, field: Field) -> str:
    link = getattr(source, "inherits_link", None)
    if link is None:
        raise ServerValueError(f"Invalid field {field.name!r} on model {model!r}")
    result: str = link(model, field.inherited_from)
    return result


def _is_names(right: Any) -> bool:
    if isinstance(right, str):
        return True
    return (
        isinstance(right, list | tuple)
        and bool(right)
        and all(isinstance(item, str) for item in right)
    )


def like_regex(pattern: str, *, wrap: bool, ignore_case: bool) -> re.Pattern[str]:
    """The regular expression of an SQL LIKE pattern (``%`` any run, ``_`` one character)."""
    body = "".join(
        ".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in str(pattern)
    )
    if wrap:
        body = f".*{body}.*"
    return re.compile(f"^{body}$", re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _text_of(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _coerce(field: Field, operator: str, value: Any, leaf: tuple[Any, str, Any]) -> Any:
    """The right-hand value in the field's internal type (SQL would cast it)."""
    if value is None or (value is False and field.type != "boolean"):
        return None
    kind = field.type
    try:
        if kind == "date":
            if isinstance(value, str):
                return parse_date(value[:10])
            return parse_date(value)
        if kind == "datetime":
            if isinstance(value, str) and len(value) == 10:
                moment = parse_date(value)
                assert moment is not None
                at = time(23, 59, 59) if operator in (">", "<=") else time(0, 0, 0)
                return datetime.combine(moment, at)
            return parse_datetime(value)
        if kind in ("integer", "many2one", "one2many", "many2many"):
            if isinstance(value, bool):
                return int(value)
            if isinstance(value, int | float):
                return value
            return int(str(value))
        if kind in ("float", "monetary"):
            if isinstance(value, bool):
                return float(value)
            return float(value)
        if kind == "boolean":
            return bool(value)
    except (TypeError, ValueError) as exc:
        raise ServerValueError(f"Invalid value in domain term {_leaf_repr(leaf)}: {exc}") from None
    return value


def _make_test(
    model: str, field: Field, operator: str, right: Any, leaf: tuple[Any, str, Any]
) -> Callable[[Any], bool]:
    """A predicate over internal values implementing one positive or negative operator."""
    if operator in ("like", "not like", "ilike", "not ilike", "=like", "=ilike"):
        if right is None or right is False:
            # ('name', 'ilike', False): Odoo compares with the pattern '%False%'
            right = "False"
        regex = like_regex(
            str(right), wrap=not operator.startswith("="), ignore_case="ilike" in operator
        )
        if operator.startswith("not"):
            return lambda v: v is None or not regex.match(_text_of(v))
        return lambda v: v is not None and bool(regex.match(_text_of(v)))

    if operator in ("in", "not in"):
        if isinstance(right, bool):
            want_set = (operator == "in") == right
            if field.type == "boolean":
                return lambda v: bool(v) == want_set
            return lambda v: (v is not None) == want_set
        if not isinstance(right, list | tuple):
            raise ServerValueError(f"Invalid domain term {_leaf_repr(leaf)}")
        with_null = any(item is False or item is None for item in right)
        if field.type == "boolean":
            items = {bool(item) for item in right if item is not None}
            if operator == "in":
                return lambda v: bool(v) in items
            return lambda v: bool(v) not in items
        items = {
            _coerce(field, "=", item, leaf)
            for item in right
            if item is not False and item is not None
        }
        if operator == "in":
            return lambda v: (v is None and with_null) or (v is not None and v in items)
        return lambda v: (v is None and not with_null) or (v is not None and v not in items)

    if operator in ("=", "!="):
        if field.type == "boolean":
            target = bool(right)
            if operator == "=":
                return lambda v: bool(v) == target
            return lambda v: bool(v) != target
        if right is False or right is None:
            if operator == "=":
                return lambda v: v is None
            return lambda v: v is not None
        value = _coerce(field, operator, right, leaf)
        if operator == "=":
            return lambda v: v is not None and v == value
        return lambda v: v is None or v != value

    if operator in ("<", ">", "<=", ">="):
        if right is False or right is None:
            return lambda v: False
        value = _coerce(field, operator, right, leaf)
        compare: Callable[[Any, Any], bool] = {
            "<": lambda a, b: a < b,
            ">": lambda a, b: a > b,
            "<=": lambda a, b: a <= b,
            ">=": lambda a, b: a >= b,
        }[operator]

        def test(v: Any) -> bool:
            if v is None:
                return False
            try:
                return bool(compare(v, value))
            except TypeError:
                return bool(compare(_text_of(v), _text_of(value)))

        return test
    raise ServerValueError(f"Invalid leaf {_leaf_repr(leaf)}")
