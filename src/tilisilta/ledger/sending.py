"""What a sending run reports, the same for every target: one line per document handled."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tilisilta.ledger.exchanges import exchanges_with_refs
from tilisilta.store.engine import Store
from tilisilta.store.models import Document


@dataclass
class SendLine:
    number: str
    state: str
    external_id: str | None
    message: str | None


@dataclass
class SendSummary:
    lines: list[SendLine] = field(default_factory=list)
    unknown_numbers: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    aborted: str | None = None

    def count(self, state: str) -> int:
        return sum(1 for line in self.lines if line.state == state)

    def collect(
        self, store: Store, exchange_ids: Sequence[int], chosen: Sequence[Document]
    ) -> None:
        """One line per exchange worked; the chosen documents without one were sent before."""
        with store.session() as session:
            handled = set()
            for exchange, ref in exchanges_with_refs(session, exchange_ids):
                handled.add(exchange.document_id)
                line = SendLine(ref, exchange.state, exchange.external_id, exchange.error)
                self.lines.append(line)
        self.already_sent.extend(d.ref for d in chosen if d.id not in handled)
