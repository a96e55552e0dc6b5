"""A set of document numbers kept as 8-byte fingerprints, for the first reading of a big file.

A file's first reading notes every document number, to tell later whether a number is in the
file, repeated, or (CSV) has rows that are not together. A `set` of strings would cost about 100
bytes a document, a `set` of their hashes about 80; this open-addressing table of the 64-bit
string hashes in one `array` costs 16 to 32. Two numbers with the same 64-bit hash (about one
chance in 10^8 for a million documents) look the same here: the callers only use the answer to
look closer or to wait, never to refuse a document.
"""

from __future__ import annotations

from array import array

_EMPTY = 0
_FIRST_SIZE = 1 << 10


class Fingerprints:
    """The hashes of the strings added: `add` says whether one was new, `in` whether it is."""

    def __init__(self) -> None:
        self._slots = array("q", bytes(8 * _FIRST_SIZE))
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def __contains__(self, text: object) -> bool:
        if not isinstance(text, str):
            return False
        key = _key(text)
        return self._slots[self._find(key)] == key

    def add(self, text: str) -> bool:
        key = _key(text)
        slot = self._find(key)
        if self._slots[slot] == key:
            return False
        self._put(slot, key)
        return True

    def _find(self, key: int) -> int:
        """The slot that holds the key, or the empty slot where it would go (linear probing)."""
        slots, mask = self._slots, len(self._slots) - 1
        slot = key & mask
        while slots[slot] != _EMPTY and slots[slot] != key:
            slot = (slot + 1) & mask
        return slot

    def _put(self, slot: int, key: int) -> None:
        self._slots[slot] = key
        self._count += 1
        if self._count * 2 > len(self._slots):  # at most half full: probes stay short
            old, self._slots, self._count = self._slots, array("q", bytes(16 * len(self._slots))), 0
            for kept in old:
                if kept != _EMPTY:
                    self._put(self._find(kept), kept)


def _key(text: str) -> int:
    return hash(text) or 1  # 0 marks an empty slot
