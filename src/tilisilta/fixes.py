"""A way to fix a problem, as data: an action name with its parameters.

Messages below the CLI never spell out commands. A message says in plain words what to do and
carries the action as a token, ``{{connection.set_api_key connection=erp}}``, that survives
being stored in the ledger; each front end renders the tokens its own way (the CLI as the
command to type, a web page as a button). :func:`fixes_in` reads them back as data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

_TOKEN = re.compile(r"\{\{([a-z][a-z_.]*)((?: [a-z_]+=[^ \t\n}]*)*)\}\}")


@dataclass(frozen=True)
class Fix:
    action: str  # e.g. "connection.test", "exchange.retry"
    params: dict[str, str] = field(default_factory=dict)

    def token(self) -> str:
        args = "".join(f" {key}={_safe(value)}" for key, value in self.params.items())
        return "{{" + self.action + args + "}}"


def fix(action: str, **params: object) -> str:
    """The token of a fix, to put in a message: ``f"... {fix('company.list')}"``."""
    return Fix(action, {key: str(value) for key, value in params.items()}).token()


def fixes_in(text: str) -> list[Fix]:
    return [Fix(m.group(1), _params(m.group(2))) for m in _TOKEN.finditer(text)]


def render(text: str, show: Callable[[Fix], str]) -> str:
    """``text`` with each fix token replaced by ``show(fix)``."""
    return _TOKEN.sub(lambda m: show(Fix(m.group(1), _params(m.group(2)))), text)


def _params(raw: str) -> dict[str, str]:
    pairs = (item.split("=", 1) for item in raw.split(" ") if item)
    return {key: value.replace("\u00a0", " ") for key, value in pairs}


def _safe(value: str) -> str:
    # A token is one line of key=value words: spaces inside a value travel as no-break spaces.
    return value.replace(" ", "\u00a0").replace("}", ")")
