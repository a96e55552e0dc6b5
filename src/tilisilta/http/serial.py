"""One request at a time per remote account, across the threads and processes of one machine.

Some services (Netvisor) refuse or garble overlapping requests to one company. An exclusive
``flock`` on a file named after the account serialises them: every open of the file is its own
lock holder, so two threads of one process wait for each other as two processes do.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class OneAtATime:
    def __init__(self, folder: Path, key: str) -> None:
        digest = hashlib.sha256(key.encode()).hexdigest()[:24]
        self.path = folder / f"{digest}.lock"

    @contextmanager
    def held(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
