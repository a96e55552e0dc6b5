"""The Procountor sandbox's rate limit seen from another process (reference §7.15): ``GET
/_sandbox/rate_limit`` tells the limit and, per client id, the calls let through and refused
and the most let through in any one second; ``PUT`` sets the limit (20 by default, as
Procountor documents) and starts the counts afresh. The admin endpoint is never itself limited."""

from __future__ import annotations

from test_procountor_sandbox_support import make_env


def test_the_limit_and_each_clients_calls_are_told() -> None:
    env = make_env(rate=20)
    before = env.http.get("/_sandbox/rate_limit").json()
    assert before == {"per_second": 20.0, "clients": {}}

    env.token()  # the token request counts too
    statuses = [env.call("GET", "/company").status_code for _ in range(22)]
    assert statuses.count(429) == 3  # a burst of 20, then refused until the clock moves
    env.clock.advance(1.0)
    assert env.call("GET", "/company").status_code == 200

    seen = env.http.get("/_sandbox/rate_limit").json()
    client = seen["clients"][env.creds["client_id"]]
    assert client["admitted"] == 21 and client["refused"] == 3
    assert client["peak_per_second"] == 20  # the 21st came a second after the burst
    assert client["last"] - client["first"] == 1.0


def test_put_sets_the_limit_and_starts_the_counts_afresh() -> None:
    env = make_env(rate=20)
    env.token()
    env.call("GET", "/company")
    changed = env.http.put("/_sandbox/rate_limit", json={"per_second": 2})
    assert changed.status_code == 200
    assert changed.json() == {"per_second": 2.0, "clients": {}}
    statuses = [env.call("GET", "/company").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    for wrong in ({"per_second": 0}, {"per_second": "fast"}, {"per_second": True}, {}):
        response = env.http.put("/_sandbox/rate_limit", json=wrong)
        assert response.status_code == 400
        assert response.json() == {"error": "per_second must be a positive number"}
    assert env.sb.rate_limiter.per_second == 2.0
