"""No traceback ever reaches a user: every command runs inside this guard.

Exit codes a script can trust (docs/configuration.md):

* 0 — everything asked for was done;
* 1 — the command could not run (bad input, settings, keys, an unreachable or refusing remote);
* 2 — the command line itself was wrong (click's usage errors);
* 3 — it ran to the end, but some documents are left for a person (data issues, refusals,
  numbers the hub does not know).

An unexpected failure is a bug: it is written with its traceback to ``errors.log`` in the hub's
home and the user gets one line saying so and where to find it.
"""

from __future__ import annotations

import datetime
import traceback
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

DONE = 0
COULD_NOT_RUN = 1
LEFT_FOR_A_PERSON = 3


class GuardedGroup(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        from tilisilta.cli.runtime import err
        from tilisilta.crypto import SecretKeyError

        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):
            raise  # typer's own ways out: exit codes, usage errors, Ctrl-C
        except SecretKeyError as exc:
            err.print(f"[red]Error:[/red] {exc}")
            raise typer.Exit(COULD_NOT_RUN) from None
        except Exception as exc:  # the last line of defence: a bug, said plainly
            where = _log(exc)
            err.print(
                f"[red]Error:[/red] something unexpected went wrong ({type(exc).__name__}). "
                f"What was done before it stands; the details for a bug report are in {where}."
            )
            raise typer.Exit(COULD_NOT_RUN) from None


def _log(exc: Exception) -> Path:
    from tilisilta.settings import Settings

    try:
        home = Settings().home
    except Exception:
        home = Path.home() / ".tilisilta"
    path = home / "errors.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {datetime.datetime.now(datetime.UTC).isoformat()}\n")
            handle.write("".join(traceback.format_exception(exc)))
    except OSError:
        return Path("(the log could not be written)")
    return path
