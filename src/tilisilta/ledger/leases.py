"""Who holds a lease on a sending exchange, and whether that holder is gone.

A run that crashes leaves rows in ``sending``. Waiting for the lease to expire is always safe; on
the same machine we can do better and see at once that the holding process is dead, so a rerun
after a crash need not wait.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path


def _start_ticks(pid: int) -> str | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[19] if len(fields) > 19 else None  # field 22: start time since boot


def current_owner() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_ticks(pid) or '?'}"


def owner_is_gone(owner: str | None) -> bool:
    """True only when we can be sure: same host, and that process no longer exists."""
    if not owner:
        return True
    try:
        host, pid_text, ticks = owner.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return False
    if host != socket.gethostname():
        return False
    if pid == os.getpid():
        return ticks != (_start_ticks(pid) or "?")
    current = _start_ticks(pid)
    if current is None:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    return ticks != "?" and current != ticks
