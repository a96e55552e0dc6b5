"""Register records (customers, products) kept as ``path -> value`` so that edits follow
Netvisor's rule: an element sent empty clears the stored value, one left out keeps it
(reference netvisor.md §1, §8.2 item 19). Attributes are kept as ``path@name``; a repeated group
(``dimension*``) is replaced as a whole when its section is sent."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from .schema import Schema
from .xmlin import value


def flatten(doc: Element, schema: Schema) -> tuple[dict[str, str], set[str]]:
    """The leaves of a document by path, and the sections holding repeated groups sent."""
    found: dict[str, str] = {}
    replaced: set[str] = set()

    def walk(element: Element, path: str) -> None:
        seen: dict[str, int] = {}
        for child in element:
            rule = schema.rules.get(element.tag)
            occur = dict(rule.children).get(child.tag, "") if rule else ""
            name = child.tag
            if occur in ("*", "+"):
                seen[name] = seen.get(name, 0) + 1
                name = f"{name}[{seen[name]}]"
                replaced.add(path)
            child_path = f"{path}/{name}" if path else name
            if schema.is_leaf(child.tag):
                found[child_path] = value(child) or ""
                for attr, given in child.attrib.items():
                    found[f"{child_path}@{attr}"] = given
            else:
                walk(child, child_path)

    walk(doc, "")
    return found, replaced


def merge(stored: dict[str, str], doc: Element, schema: Schema) -> dict[str, str]:
    given, replaced = flatten(doc, schema)
    merged = {
        path: text
        for path, text in stored.items()
        if not any(path.startswith(section + "/") for section in replaced)
    }
    for path, text in given.items():
        if text or "@" in path:
            merged[path] = text
        else:
            merged.pop(path, None)  # sent empty: cleared
    return merged
