"""Checking a body against a :class:`~.schema.Schema`: element order, required elements present
and not empty, no unknown elements, required attributes present, enumerated values only
(reference netvisor.md §1 "elements must be in DTD order", §4 "element order is enforced",
§8.2 item 7). Names are already lower case (``xmlin.parse_body``).

Attributes a DTD does not declare are ignored [assumed]: the vendor's own example sends
``expectPartialPayments mode=…`` and HEL sends ``weightunit``, neither declared.
"""

from __future__ import annotations

from collections.abc import Collection
from xml.etree.ElementTree import Element

from .errors import invalid
from .schema import Rule, Schema

#: The one mandatory element that may be empty or 0: Netvisor then computes the total (§8.1).
MAY_BE_EMPTY = frozenset({"salesinvoiceamount"})


def document(root: Element, schema: Schema) -> Element:
    """The checked document element under ``<root>``."""
    check(root, "root", schema, required=True)
    return root[0]


def check(element: Element, path: str, schema: Schema, *, required: bool) -> None:
    _attributes(element, path, schema)
    rule = schema.rules.get(element.tag)
    if rule is None:
        if len(element):
            raise invalid(f"{path}: <{element.tag}> takes no child elements")
        if required and not (element.text or "").strip() and element.tag not in MAY_BE_EMPTY:
            raise invalid(f"{path}: the mandatory element <{element.tag}> is empty")
        return
    if (element.text or "").strip():
        raise invalid(f"{path}: <{element.tag}> takes elements, not text")
    for kid in element:
        if (kid.tail or "").strip():
            raise invalid(f"{path}: text between elements")
    if rule.choice:
        _choice(element, rule, path, schema)
    else:
        _sequence(element, rule, path, schema)


def _choice(element: Element, rule: Rule, path: str, schema: Schema) -> None:
    names = [name for name, _ in rule.children]
    kids = list(element)
    if len(kids) != 1 or kids[0].tag not in names:
        found = ", ".join(f"<{k.tag}>" for k in kids) or "nothing"
        raise invalid(f"{path}: <{element.tag}> takes one of {', '.join(names)}; found {found}")
    check(kids[0], f"{path}/{kids[0].tag}", schema, required=True)


def _sequence(element: Element, rule: Rule, path: str, schema: Schema) -> None:
    model = rule.children
    names = [name for name, _ in model]
    counts = [0] * len(model)
    at = 0
    for kid in element:
        step = at
        while step < len(model) and model[step][0] != kid.tag:
            step += 1
        if step == len(model):
            if kid.tag in names:
                before = names[at]
                raise invalid(
                    f"{path}: <{kid.tag}> is out of order: it must come before <{before}>"
                    if names.index(kid.tag) < at
                    else f"{path}: <{kid.tag}> is out of order"
                )
            raise invalid(f"{path}: unknown element <{kid.tag}> in <{element.tag}>")
        _missing(model, counts, at, step, path, element.tag, element)
        name, occur = model[step]
        if counts[step] and occur in ("", "?"):
            raise invalid(f"{path}: <{name}> may appear only once")
        counts[step] += 1
        at = step
        check(kid, f"{path}/{kid.tag}", schema, required=occur in ("", "+"))
    _missing(model, counts, at, len(model), path, element.tag, element)


def _missing(
    model: tuple[tuple[str, str], ...],
    counts: list[int],
    start: int,
    stop: int,
    path: str,
    tag: str,
    element: Element,
) -> None:
    present = {kid.tag for kid in element}
    for index in range(start, stop):
        name, occur = model[index]
        if occur in ("", "+") and not counts[index]:
            if name in present:  # sent, but after an element that must follow it
                raise invalid(f"{path}: <{name}> is out of order: it must come earlier")
            raise invalid(f"{path}: the mandatory element <{name}> is missing from <{tag}>")


def _attributes(element: Element, path: str, schema: Schema) -> None:
    declared = schema.attrs.get(element.tag, {})
    for name, attr in declared.items():
        given = element.get(name)
        if given is None:
            if attr.required:
                raise invalid(f"{path}: <{element.tag}> needs the attribute {name}")
            continue
        if attr.values is not None and given not in attr.values:
            allowed = "|".join(attr.values)
            raise invalid(f'{path}: {name}="{given}" is not one of {allowed}')


def one_of(raw: str, allowed: Collection[str], name: str) -> str:
    """A text value from a closed list (statuses, invoice types; §8.2 item 7)."""
    if raw not in allowed:
        raise invalid(f"{name}: '{raw}' is not one of {'|'.join(allowed)}")
    return raw
