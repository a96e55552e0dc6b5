"""Matching the hub's parties and products to Procountor's register records: by business ID,
customer number or name; by product code or name. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tilisilta.domain.identifiers import business_id_error, normalize_business_id


def name_key(value: object) -> str:
    return " ".join(str(value or "").split()).casefold()


def business_id_key(value: object) -> str:
    text = "".join(str(value or "").split()).upper()
    return normalize_business_id(text) if text and business_id_error(text) is None else text


def plain_key(value: object) -> str:
    return str(value or "").strip()


@dataclass(frozen=True)
class Keyed:
    """A local or remote record reduced to what matching needs."""

    id: str  # local: the ref; remote: the Procountor id
    name: str
    keys: Mapping[str, str]  # e.g. {"business ID": "0112038-9", "name": "virtanen oy"}


def customer_keys(business_id: object, customer_number: object, name: object) -> dict[str, str]:
    return {
        "business ID": business_id_key(business_id),
        "customer number": plain_key(customer_number),
        "name": name_key(name),
    }


def product_keys(code: object, name: object) -> dict[str, str]:
    return {"code": name_key(code), "name": name_key(name)}


@dataclass(frozen=True)
class Found:
    remote: Keyed
    by: str


def match_one(local: Keyed, remotes: Sequence[Keyed], order: Sequence[str]) -> Found | list[Keyed]:
    """The remote record ``local`` is, trying the keys in ``order``. A key that several remotes
    share narrows the field for the next keys. Returns the candidates left when no key decides
    (none: unmatched; several: ambiguous)."""
    pool: list[Keyed] | None = None
    for key in order:
        wanted = local.keys.get(key)
        if not wanted:
            continue
        hits = [r for r in (remotes if pool is None else pool) if r.keys.get(key) == wanted]
        if len(hits) == 1:
            return Found(hits[0], key)
        if len(hits) > 1:
            pool = hits
    return pool or []


@dataclass(frozen=True)
class MatchLine:
    local_ref: str
    local_name: str
    external_id: str
    external_name: str
    by: str  # the key that decided, or "binding"
    document_id: int = 0


@dataclass(frozen=True)
class AmbiguousLine:
    local_ref: str
    local_name: str
    candidates: tuple[tuple[str, str], ...]  # (Procountor id, name)
    reason: str


@dataclass
class RegisterReport:
    """What fetching a register found; ``matched`` were bound unless it was a dry run."""

    register: str  # "customers" or "products"
    bound: bool
    fetched: int = 0
    matched: list[MatchLine] = field(default_factory=list)
    already_bound: list[MatchLine] = field(default_factory=list)
    ambiguous: list[AmbiguousLine] = field(default_factory=list)
    unmatched_local: list[tuple[str, str]] = field(default_factory=list)  # (ref, name)
    unmatched_remote: list[tuple[str, str]] = field(default_factory=list)  # (id, name)


def match_register(
    register: str,
    locals_: Sequence[tuple[int, Keyed]],
    remotes: Sequence[Keyed],
    order: Sequence[str],
    bound: Mapping[int, str],
    *,
    bind: bool,
) -> RegisterReport:
    """Match every unbound local record (document id, keys) to the remote ones. A remote record
    wanted by two locals, or already bound to another, binds neither: people decide."""
    report = RegisterReport(register=register, bound=bind, fetched=len(remotes))
    by_id = {r.id: r for r in remotes}
    holder = {ext: doc_id for doc_id, ext in bound.items()}
    names = {doc_id: local for doc_id, local in locals_}
    found: dict[int, Found] = {}
    for doc_id, local in locals_:
        if doc_id in bound:
            ext = bound[doc_id]
            remote = by_id.get(ext)
            remote_name = remote.name if remote else "(not among the active records)"
            report.already_bound.append(
                MatchLine(local.id, local.name, ext, remote_name, "binding", doc_id)
            )
            continue
        result = match_one(local, remotes, order)
        if isinstance(result, Found):
            found[doc_id] = result
        elif result:
            report.ambiguous.append(
                AmbiguousLine(
                    local.id,
                    local.name,
                    tuple((r.id, r.name) for r in result),
                    f"{len(result)} Procountor {register} match equally",
                )
            )
        else:
            report.unmatched_local.append((local.id, local.name))
    wanted_by: dict[str, list[int]] = {}
    for doc_id, hit in found.items():
        wanted_by.setdefault(hit.remote.id, []).append(doc_id)
    for doc_id, hit in found.items():
        local = names[doc_id]
        rivals = [names[d].id for d in wanted_by[hit.remote.id] if d != doc_id]
        owner = holder.get(hit.remote.id)
        if rivals or owner is not None:
            others = rivals + ([names[owner].id] if owner in names else [])
            reason = (
                f"Procountor {hit.remote.id} ({hit.remote.name}) also matches {', '.join(others)}"
                if rivals
                else f"Procountor {hit.remote.id} is already bound to {', '.join(others)}"
            )
            report.ambiguous.append(
                AmbiguousLine(local.id, local.name, ((hit.remote.id, hit.remote.name),), reason)
            )
            continue
        report.matched.append(
            MatchLine(local.id, local.name, hit.remote.id, hit.remote.name, hit.by, doc_id)
        )
    taken = set(holder) | {line.external_id for line in report.matched}
    considered = taken | {c for line in report.ambiguous for c, _ in line.candidates}
    report.unmatched_remote = [(r.id, r.name) for r in remotes if r.id not in considered]
    return report
