"""Every registered connector's writing flow, killed at a random point of a 300-document batch
(before the remote sees a request, or after it committed one whose answer never came back), then
run again as a restarted process would: each document reaches the target exactly once and none
is left pending. Also: a replayed run writes nothing, a poison document does not hold up the
rest, and a 5xx storm ends in bounded retries and a visible final error."""

from __future__ import annotations

import dataclasses
import json
import random
import threading
from collections import Counter

import httpx
import pytest

from tests.conformance.kits import Kit, kit, run_until_settled, states
from tilisilta.connectors import registry
from tilisilta.sandbox.odoo.app import call_label

__all__ = ["kit"]  # the fixture, run for every registered connector

pytestmark = pytest.mark.slow
DOCUMENTS = 300


class Killed(BaseException):
    """The process died here: nothing after this point runs (not an Exception, so no handler
    of the hub's catches it)."""


class Mortal(httpx.BaseTransport):
    """Passes requests on until the ``die_at``-th, where the process dies: before the remote sees
    it, or after the remote committed it (the answer is lost). Dead, it lets nothing through."""

    def __init__(self, inner: httpx.BaseTransport, die_at: int, after_commit: bool) -> None:
        self.inner, self.die_at, self.after_commit = inner, die_at, after_commit
        self.seen = 0
        self.dead = False
        self._lock = threading.Lock()  # the flow sends from several threads

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            if self.dead:
                raise Killed
            self.seen += 1
            fatal = self.seen == self.die_at
            if fatal and not self.after_commit:
                self.dead = True
                raise Killed
        response = self.inner.handle_request(request)
        if fatal:
            self.dead = True
            raise Killed
        return response


@pytest.mark.parametrize("seed", [11, 22, 33])
def test_killed_at_a_random_point_then_restarted_delivers_each_exactly_once(
    kit: Kit, seed: int
) -> None:
    rng = random.Random(seed)
    keys = kit.add_documents(DOCUMENTS)
    mortal = Mortal(
        kit.hub.transports[kit.connection],
        die_at=rng.randint(20, 200),
        after_commit=seed != 11 and rng.random() < 0.7,  # seed 11 dies before the remote sees it
    )
    try:
        ended = registry.run_flow(dataclasses.replace(kit.context(), transport=mortal), kit.flow)
    except Killed:
        pass
    else:
        pytest.fail(f"ended after {mortal.seen} requests: {ended.aborted} {ended.counts}")
    at_kill = len(kit.remote_keys())
    assert at_kill < DOCUMENTS, "the kill did not land mid-batch"

    # The restart: a new process, once the dead one's leases have lapsed.
    kit.clock.advance(kit.hub.settings.send_lease_seconds + 1)
    run_until_settled(kit)
    held = Counter(kit.remote_keys())
    assert {key: held[key] for key in keys} == dict.fromkeys(keys, 1)
    assert states(kit) == Counter({"sent": DOCUMENTS})


ODOO_READS = frozenset(
    {
        *("search", "search_read", "read", "search_count", "fields_get", "name_search"),
        *("read_group", "web_search_read", "check_access_rights", "default_get", "version"),
        *("login", "authenticate", "context_get", "has_group", "name_get", "get_views"),
        "about",
    }
)


def writes(request: httpx.Request) -> bool:
    """Whether a request changes something in the target (reads, logins and tokens do not)."""
    request.read()
    if request.method == "GET" or request.url.path.endswith("/token"):
        return False
    label = call_label(request.url.path, request.content)
    if label:  # an Odoo call: model.method
        return label.rsplit(".", 1)[-1] not in ODOO_READS
    return True


class Writes(httpx.BaseTransport):
    """Keeps the requests that change something in the target."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.writes: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if writes(request):
            label = call_label(request.url.path, request.content)
            self.writes.append(f"{request.method} {request.url.path} {label}")
        return self.inner.handle_request(request)


def test_a_replayed_run_makes_no_remote_write(kit: Kit) -> None:
    kit.add_documents(20)
    run_until_settled(kit)
    counting = Writes(kit.hub.transports[kit.connection])
    again = registry.run_flow(dataclasses.replace(kit.context(), transport=counting), kit.flow)
    assert again.aborted is None
    assert counting.writes == []


class Poisoned(httpx.BaseTransport):
    """A target that fails, every time, on the writes that carry the key ``poison`` (as a JSON
    string or an XML element's text)."""

    def __init__(self, inner: httpx.BaseTransport, poison: str) -> None:
        self.inner = inner
        self.marks = (json.dumps(poison).encode(), f">{poison}<".encode())

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if writes(request) and any(m in request.content for m in self.marks):
            return httpx.Response(500, json={"error": "internal error"})
        return self.inner.handle_request(request)


def test_a_poison_document_ends_in_a_final_error_and_holds_up_nothing(kit: Kit) -> None:
    keys = kit.add_documents(12)
    poison = keys[3]
    context = dataclasses.replace(
        kit.context(), transport=Poisoned(kit.hub.transports[kit.connection], poison)
    )
    for _ in range(kit.hub.settings.max_attempts + 2):  # a schedule, run after run
        registry.run_flow(context, kit.flow)
        kit.clock.advance(3600)
    held = Counter(kit.remote_keys())
    others = [k for k in keys if k != poison]
    assert {k: held[k] for k in others} == dict.fromkeys(others, 1)
    final = states(kit)
    assert final["sent"] == len(others) and final["pending"] == 0 and final["sending"] == 0
    assert final["response_error"] == 1, "the poison document's final error is shown"


def test_a_5xx_storm_ends_in_bounded_retries_and_a_visible_final_error(kit: Kit) -> None:
    kit.add_documents(5)
    kit.faults.update({"error_5xx": 1.0})
    calls_before = kit.remote_calls()
    for _ in range(kit.hub.settings.max_attempts + 2):
        last = kit.run()
        kit.clock.advance(3600)
    spent = kit.remote_calls() - calls_before
    final = states(kit)
    kit.faults.update({"error_5xx": 0})
    assert final["pending"] == 0 and final["sending"] == 0, "retries must end"
    # each document's final error is in the log, or the run says why it could not start
    assert final["response_error"] == 5 or (sum(final.values()) == 0 and last.aborted)
    assert spent < 400, f"{spent} calls: retries are not bounded"
