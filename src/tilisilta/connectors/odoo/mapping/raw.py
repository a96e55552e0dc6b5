"""An external record kept exactly as it was read, when it could not become a canonical document."""

from __future__ import annotations

from typing import Any

from tilisilta.domain.documents import Document


class RawRecord(Document):
    """Kept so that a person sees what the hub saw, and so that a fix is noticed as a change."""

    content: dict[str, Any]
