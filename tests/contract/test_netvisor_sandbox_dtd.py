"""The sandbox's structural rules (``sandbox.netvisor.schema``) say what Netvisor's published
DTDs say (reference netvisor.md §1, §5, §8.2 item 7): for every element reachable from the
root, the same children in the same order with the same occurrence, and the same attributes
with the same required-ness, enumerations and defaults. The DTDs are parsed with lxml."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tilisilta.sandbox.netvisor.schema import BY_DTD, Attr, Schema

DTDS = Path(__file__).parent.parent / "data" / "netvisor" / "dtd"
_OCCUR = {"once": "", "opt": "?", "mult": "*", "plus": "+"}


def load(name: str) -> Any:
    text = (DTDS / f"{name}.dtd").read_text(encoding="utf-8")
    inner = text[text.index("[") + 1 : text.rindex("]")]  # the files wrap it in <!DOCTYPE root [
    return etree.DTD(io.StringIO(inner))


def _flatten(content: Any, kind: str) -> list[Any]:
    """The items of a binary ``seq``/``or`` tree of lxml content declarations."""
    if content.type == kind and content.occur == "once":
        return _flatten(content.left, kind) + _flatten(content.right, kind)
    return [content]


def declared_model(element: Any) -> tuple[tuple[tuple[str, str], ...], bool] | None:
    """(children with occurrence, is a choice) of a compound element; None for #PCDATA."""
    content = element.content
    if element.type == "mixed" or content is None or content.type == "pcdata":
        return None
    choice = content.type == "or"
    items = _flatten(content, "or" if choice else "seq")
    for item in items:
        assert item.type == "element", f"{element.name}: nested group not expected"
    return tuple((item.name, _OCCUR[item.occur]) for item in items), choice


def declared_attrs(element: Any) -> dict[str, Attr]:
    out = {}
    for attr in element.iterattributes():
        values = tuple(attr.values()) if attr.type == "enumeration" else None
        default = attr.default_value if attr.default in ("none", "fixed") else None
        out[attr.name] = Attr(attr.default == "required", values, default)
    return out


def reachable(dtd: Any) -> dict[str, Any]:
    declared = {e.name: e for e in dtd.iterelements()}
    seen: dict[str, Any] = {}
    todo = ["root"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen[name] = declared[name]
        model = declared_model(declared[name])
        if model:
            todo += [child for child, _ in model[0]]
    return seen


@pytest.mark.parametrize("name", sorted(BY_DTD))
def test_structure_agrees_with_the_dtd(name: str) -> None:
    schema: Schema = BY_DTD[name]
    elements = reachable(load(name))
    assert schema.root == next(child for child, _ in declared_model(elements["root"])[0])  # type: ignore[index]
    ours_compound = set(schema.rules)
    theirs_compound = {n for n, e in elements.items() if declared_model(e) is not None}
    assert ours_compound == theirs_compound
    for element_name, element in elements.items():
        model = declared_model(element)
        if model is not None:
            rule = schema.rules[element_name]
            assert (rule.children, rule.choice) == model, element_name
        assert schema.attrs.get(element_name, {}) == declared_attrs(element), element_name


def test_every_dtd_file_is_covered() -> None:
    assert {p.stem for p in DTDS.glob("*.dtd")} == set(BY_DTD)


def test_a_changed_rule_would_be_noticed() -> None:
    """The comparison is not vacuous: the DTD's salesinvoice model has the order we enforce."""
    model = declared_model(reachable(load("salesinvoice"))["salesinvoice"])
    assert model is not None
    names = [name for name, _ in model[0]]
    assert names.index("salesinvoiceeventdate") < names.index("salesinvoiceduedate")
    assert ("salesinvoiceamount", "") in model[0] and ("invoicelines", "") in model[0]
