"""The tables: one dict of rows per model, id sequences, and an undo journal so that each RPC
call is one transaction (a call that raises leaves nothing behind, like a rolled-back cursor).

Id sequences are not rolled back, as PostgreSQL sequences are not: a failed create still uses up
its id. Every change to a row must go through ``insert``/``update``/``delete`` so that it can be
undone; code must never mutate a row it got from ``get``.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from typing import Any

_ABSENT = object()


class Store:
    def __init__(self) -> None:
        self.tables: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
        self._next_id: dict[str, int] = defaultdict(lambda: 1)
        #: (table, id) -> the row as it was before the transaction (or _ABSENT if it was new)
        self._undo: dict[tuple[str, int], Any] | None = None
        #: bumped on every change of a table; lets readers cache derived indexes
        self.versions: dict[str, int] = defaultdict(int)
        #: (table, field) -> value -> ids, kept up to date on every change
        self._indexes: dict[tuple[str, str], dict[Any, set[int]]] = {}

    # ---- transactions ----------------------------------------------------------------------

    def begin(self) -> None:
        self._undo = {}

    def commit(self) -> None:
        self._undo = None

    def rollback(self) -> None:
        undo, self._undo = self._undo, None
        if not undo:
            return
        for (table, rid), before in undo.items():
            rows = self.tables[table]
            if before is _ABSENT:
                rows.pop(rid, None)
            else:
                rows[rid] = before
            self.versions[table] += 1
            for key in [k for k in self._indexes if k[0] == table]:
                del self._indexes[key]

    @property
    def in_transaction(self) -> bool:
        return self._undo is not None

    def _remember(self, table: str, rid: int) -> None:
        if self._undo is None:
            return
        key = (table, rid)
        if key in self._undo:
            return
        row = self.tables[table].get(rid)
        self._undo[key] = _ABSENT if row is None else copy.deepcopy(row)

    # ---- ids ---------------------------------------------------------------------------------

    def next_id(self, table: str) -> int:
        rid = self._next_id[table]
        self._next_id[table] = rid + 1
        return rid

    def reserve(self, table: str, rid: int) -> None:
        """Make sure later ids of ``table`` come after ``rid``."""
        if self._next_id[table] <= rid:
            self._next_id[table] = rid + 1

    # ---- rows --------------------------------------------------------------------------------

    def get(self, table: str, rid: int) -> dict[str, Any] | None:
        return self.tables[table].get(rid)

    def exists(self, table: str, rid: int) -> bool:
        return rid in self.tables[table]

    def ids(self, table: str) -> list[int]:
        return list(self.tables[table])

    def rows(self, table: str) -> dict[int, dict[str, Any]]:
        return self.tables[table]

    def insert(self, table: str, row: dict[str, Any]) -> int:
        rid = int(row["id"])
        self._remember(table, rid)
        self.tables[table][rid] = row
        self.versions[table] += 1
        for (itable, field), index in self._indexes.items():
            if itable == table:
                index.setdefault(_key(row.get(field)), set()).add(rid)
        return rid

    def update(self, table: str, rid: int, changes: dict[str, Any]) -> None:
        self._remember(table, rid)
        row = self.tables[table][rid]
        for (itable, field), index in self._indexes.items():
            if itable == table and field in changes:
                index.get(_key(row.get(field)), set()).discard(rid)
                index.setdefault(_key(changes[field]), set()).add(rid)
        row.update(changes)
        self.versions[table] += 1

    def delete(self, table: str, rid: int) -> None:
        self._remember(table, rid)
        row = self.tables[table].pop(rid, None)
        self.versions[table] += 1
        if row is not None:
            for (itable, field), index in self._indexes.items():
                if itable == table:
                    index.get(_key(row.get(field)), set()).discard(rid)

    def index(self, table: str, field: str) -> dict[Any, set[int]]:
        """value -> ids of the rows holding it in ``field`` (a many2one, typically)."""
        key = (table, field)
        index = self._indexes.get(key)
        if index is None:
            index = {}
            for rid, row in self.tables[table].items():
                index.setdefault(_key(row.get(field)), set()).add(rid)
            self._indexes[key] = index
        return index


def _key(value: Any) -> Any:
    """Index key of a value (unhashable values, e.g. lists, are not indexed usefully)."""
    try:
        hash(value)
    except TypeError:
        return None
    return value
