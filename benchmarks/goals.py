"""What a benchmark run missed, the same for every script: its checks (everything sent once,
the counts right) always, its speed and memory goals unless it is a smoke run.

A smoke run (``--smoke``) is the small run the slow test suite makes of every benchmark, so the
scripts do not rot between measurements: at a small size, on a busy machine, speed and memory
say little, so they are shown and not held."""

from __future__ import annotations

import argparse
import sys


class Goals:
    def __init__(self, smoke: bool) -> None:
        self.smoke = smoke
        self.misses: list[str] = []

    def missed(self, what: str) -> None:
        """A check failed: the run did not do what it should (a smoke run fails too)."""
        self.misses.append(what)

    def too_slow(self, what: str) -> None:
        """A speed or memory goal was missed: held unless this is a smoke run."""
        if self.smoke:
            print(f"(not held in a smoke run) {what}")
        else:
            self.misses.append(what)

    def exit(self) -> None:
        """Say what was missed, and exit 1 if anything was."""
        for miss in self.misses:
            print(f"MISSED: {miss}")
        if not self.misses:
            print("every goal reached" if not self.smoke else "every check passed (smoke run)")
        sys.exit(1 if self.misses else 0)


def add_smoke_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a small run: checks what was done, shows but does not hold speed and memory",
    )
