"""What a report keeps of a long run: every item counted, the first `LISTED` kept to be shown,
so that a report does not grow with a large first fetch or file. One limit for every report."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

LISTED = 1000  # items a report keeps of each kind; the rest are counted

T = TypeVar("T")


@dataclass
class Listed(Generic[T]):
    """Items of one kind (the invoices fetched, say): ``len()`` is how many there were,
    iterating gives the first `LISTED`, kept in the order they came."""

    kept: list[T] = field(default_factory=list)
    count: int = 0

    def append(self, item: T) -> None:
        self.count += 1
        if len(self.kept) < LISTED:
            self.kept.append(item)

    @property
    def more(self) -> int:
        """How many were counted beyond those kept."""
        return self.count - len(self.kept)

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[T]:
        return iter(self.kept)

    def __getitem__(self, index: int) -> T:
        """One of those kept, as a list's."""
        return self.kept[index]
