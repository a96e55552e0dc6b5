"""Routes of attachments: multipart in, multipart/mixed out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import attachments
from . import errors as e
from .errors import ApiError
from .handlers import Handlers
from .jsonio import JSONResponse


class AttachmentApi(Handlers):
    def routes(self) -> list[Route]:
        r = Route
        return [
            r("/api/attachments", self.create, methods=["POST"]),
            r("/api/attachments/{id}", self.read, methods=["GET"]),
            r("/api/attachments/{id}", self.delete, methods=["DELETE"]),
        ]

    async def create(self, request: Request) -> Response:
        c = self._caller(request).company
        body = await _bounded_body(request, attachments.MAX_BODY_BYTES)
        content_type = request.headers.get("content-type") or ""
        with self.sb.lock:
            return JSONResponse(attachments.create(c, content_type, body))

    async def read(self, request: Request) -> Response:
        c = self._caller(request).company
        attachment_id = self._id(request)
        with self.sb.lock:
            body, boundary = attachments.read(c, attachment_id, self.sb.new_boundary)
        return Response(body, media_type=f"multipart/mixed; boundary={boundary}")

    async def delete(self, request: Request) -> Response:
        c = self._caller(request).company
        attachment_id = self._id(request)
        with self.sb.lock:
            attachments.delete(c, attachment_id)
        return Response(status_code=204)


async def _bounded_body(request: Request, limit: int) -> bytes:
    """The body, refusing (400) as soon as it grows past ``limit`` instead of buffering it all."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(400, e.FILE_TOO_LARGE, field="file")
        chunks.append(chunk)
    return b"".join(chunks)
