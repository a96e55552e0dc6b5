from __future__ import annotations

from collections.abc import Iterator

import pytest

from tilisilta.cli.runtime import console, err


@pytest.fixture(autouse=True)
def wide_console() -> Iterator[None]:
    """Tables as a person sees them in a wide terminal, so assertions see whole cells."""
    before = console.width, err.width
    console.width = err.width = 250
    yield
    console.width, err.width = before
