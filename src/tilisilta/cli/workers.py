"""`tilisilta worker` and the PostgreSQL side of `tilisilta run`: the work as procrastinate jobs."""

from __future__ import annotations

from tilisilta.cli.runtime import Runtime, fail


def run_queued(rt: Runtime, *, once: bool, with_worker: bool, threads: int) -> None:
    raise fail("not yet")
