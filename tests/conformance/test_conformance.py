"""The conformance suite every connector passes (docs/architecture.md, "Adding a connector"):
exactly once under faults and from a fresh hub database, the wrong books refused, two runners
at once, data issues before any call, refused credentials, the wrong kind, secrets kept."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conformance.kits import Kit, kit, run_until_settled, states
from tilisilta.connectors import registry
from tilisilta.connectors.base import FlowResult, WrongKind
from tilisilta.ledger.outcomes import State
from tilisilta.store.engine import Store
from tilisilta.store.models import Binding, Exchange, ExchangeCall

__all__ = ["kit"]  # the fixture, run for every registered connector


def test_exactly_once_under_dropped_answers_5xx_and_429(kit: Kit) -> None:
    keys = kit.add_documents(12)
    kit.faults.update(
        {"drop_after_commit": 0.3, "error_5xx": 0.15, "error_429": 0.1, "retry_after": 0}
    )
    run_until_settled(kit)
    kit.faults.update({"drop_after_commit": 0, "error_5xx": 0, "error_429": 0})
    held = Counter(kit.remote_keys())
    assert {key: held[key] for key in keys} == dict.fromkeys(keys, 1)
    assert sum(kit.faults.injected.values()) > 0, "the faults never happened"
    with kit.store.session() as session:
        bound = session.scalar(select(func.count()).select_from(Binding)) or 0
    assert bound >= len(keys)


def test_exactly_once_from_a_fresh_hub_database(kit: Kit, tmp_path: Path) -> None:
    keys = kit.add_documents(5)
    assert kit.run().aborted is None
    assert sorted(kit.remote_keys()) == sorted(keys)
    # The hub's database is lost; a new one is pointed at the same books.
    fresh = Store(f"sqlite:///{tmp_path / 'fresh.db'}")
    fresh.upgrade()
    again = kit.fresh_hub(fresh)
    result = again.run()
    assert result.aborted is None, result.aborted
    assert sorted(again.remote_keys()) == sorted(keys), "a document was sent twice"
    with fresh.session() as session:
        sent = list(
            session.scalars(
                select(Exchange).where(Exchange.state == State.SENT, Exchange.direction == "out")
            )
        )
        bound = {
            (b.connection_id, b.local_id, b.external_id) for b in session.scalars(select(Binding))
        }
    assert len(sent) == len(keys)
    assert {(e.connection_id, e.document_id, e.external_id) for e in sent} <= bound
    assert all("found there" in (e.error or "") for e in sent)


def test_the_wrong_books_are_refused_before_any_write(kit: Kit) -> None:
    kit.add_documents(3)
    kit.use_other_books()
    result = kit.run()
    assert result.aborted is not None
    assert "1618033-3" in result.aborted and "nothing" in result.aborted
    assert kit.remote_keys() == []
    assert states(kit)[State.SENT] == 0


def test_two_runners_at_once_send_each_document_once(kit: Kit) -> None:
    keys = kit.add_documents(8)
    results: list[FlowResult] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def runner() -> None:
        try:
            start.wait()
            results.append(kit.run())
        except BaseException as exc:  # a traceback here is what the test is about
            errors.append(exc)

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert all(r.aborted is None for r in results)
    run_until_settled(kit)
    held = Counter(kit.remote_keys())
    assert {key: held[key] for key in keys} == dict.fromkeys(keys, 1)


def test_a_data_issue_is_raised_before_any_remote_call(kit: Kit) -> None:
    kit.add_bad_document()
    before = kit.remote_calls()
    result = kit.run()
    assert result.aborted is None
    assert states(kit)[State.DATA_ISSUE] == 1
    assert kit.remote_keys() == []
    with kit.store.session() as session:
        calls = session.scalar(select(func.count()).select_from(ExchangeCall)) or 0
    assert calls == 0
    assert kit.remote_calls() >= before  # the run may read (its company), never send it


def test_refused_credentials_abort_the_run_with_a_plain_message(kit: Kit) -> None:
    kit.add_documents(2)
    kit.refuse_credentials()
    result = kit.run()
    assert result.aborted is not None
    assert "Traceback" not in result.aborted
    assert "credentials" in result.aborted.lower() or "api key" in result.aborted.lower()
    assert kit.remote_keys() == []
    assert states(kit)[State.SENT] == 0


def test_a_flow_of_another_kind_is_a_one_line_error(kit: Kit) -> None:
    context = kit.context()
    other = next(k for k in ("procountor", "odoo") if k != context.kind)
    name = next(iter(registry.connector(other).flows))
    with pytest.raises(WrongKind) as refused:
        registry.run_flow(context, name)
    assert "\n" not in str(refused.value)
    assert context.connection_name in str(refused.value)


def test_a_known_secret_never_reaches_the_log(kit: Kit) -> None:
    kit.add_documents(3)
    kit.faults.update({"error_5xx": 0.3})
    kit.run()
    kit.faults.update({"error_5xx": 0})
    kit.refuse_credentials()
    result = kit.run()
    with kit.store.session() as session:
        stored = [
            " ".join(str(v) for v in (c.url, c.request_body, c.response_body, c.error))
            for c in session.scalars(select(ExchangeCall))
        ] + [str(e.error) + str(e.problems) for e in session.scalars(select(Exchange))]
    shown = "\n".join([*stored, str(result.aborted), *result.lines])
    for secret in kit.secrets:
        assert secret not in shown
