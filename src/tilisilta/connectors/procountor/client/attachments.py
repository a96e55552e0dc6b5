"""Procountor's attachments: a file attached to an invoice, as a multipart upload."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tilisilta.connectors.procountor.client.base import Calls


class AttachmentCalls(Calls):
    def attach(self, meta: dict[str, Any], name: str, data: bytes, mime_type: str) -> None:
        """POST /attachments: ``meta`` (its JSON part) and the file itself."""
        # Let httpx encode the multipart body; the meta part must say it is JSON.
        encoded = httpx.Request(
            "POST",
            "http://multipart.invalid/",
            files={
                "meta": (None, json.dumps(meta).encode(), "application/json"),
                "file": (name, data, mime_type),
            },
        )
        self.call(
            "POST",
            "/attachments",
            repeatable=False,
            content=encoded.read(),
            content_type=encoded.headers["Content-Type"],
        )
