"""`tilisilta status`: per company and connection, what waits and what moved today."""

from __future__ import annotations

import dataclasses
from datetime import datetime, time
from typing import Annotated

import typer
from rich.table import Table

from tilisilta.cli.runtime import console, runtime
from tilisilta.cli.schedules import print_schedules
from tilisilta.http.jsonwire import encode_json
from tilisilta.jobs import schedules
from tilisilta.ledger.status import hub_status


def show_status(
    as_json: Annotated[bool, typer.Option("--json", help="For scripts: the same as JSON.")] = False,
) -> None:
    """What is unsent, what waits for a retry, open data issues and refusals, what was sent
    and received today, and each schedule's last and next run, per company and connection."""
    from tilisilta.connectors.registry import connector, title_of

    rt = runtime()
    now = rt.clock.now()
    since = datetime.combine(now.date(), time(), tzinfo=now.tzinfo)

    def sends(kind: str) -> bool:
        try:
            return connector(kind).flow("send_invoices") is not None
        except LookupError:
            return False

    with rt.store.session() as session:
        companies = hub_status(session, since, sends)
        planned = schedules.views(session, now)
    if as_json:
        shown = [
            dataclasses.asdict(c)
            | {"schedules": [v.as_json() for v in planned if v.company == c.name]}
            for c in companies
        ]
        print(encode_json(shown, indent=2).decode())
        return
    if not companies:
        console.print("No companies yet: add one with `tilisilta company create NAME BUSINESS_ID`.")
        return
    for company in companies:
        table = Table(
            "connection", "unsent", "waiting to retry", "data issues", "refused",
            "sent today", "received today",
            title=f"{company.name} ({company.business_id})",
        )  # fmt: skip
        for c in company.connections:
            table.add_row(
                f"{c.name} ({title_of(c.kind)}, {c.state})",
                "-" if c.unsent is None else str(c.unsent),
                str(c.waiting),
                str(c.data_issues),
                str(c.response_errors),
                str(c.sent_today),
                str(c.received_today),
            )
        console.print(table)
        theirs = [v for v in planned if v.company == company.name]
        if theirs:
            print_schedules(theirs, title=f"{company.name}: schedules")
