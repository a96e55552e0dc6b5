"""The invoice's PDF copy, attached to the Procountor invoice.

A copy that cannot be attached is a warning on the exchange, never a failure: the invoice itself
stands, and a person can attach the file by hand.
"""

from __future__ import annotations

import base64
import io

from tilisilta.connectors.procountor.client import ProcountorClient
from tilisilta.domain.documents import Invoice
from tilisilta.http.errors import RemoteError

MAX_BYTES = 10_000_000  # Procountor refuses larger attachments


def shrink_pdf(data: bytes) -> bytes:
    """Compress content streams and drop duplicate objects; keep the original if that fails
    or does not help."""
    from pypdf import PdfReader, PdfWriter

    try:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        for page in writer.pages:
            page.compress_content_streams()
        writer.compress_identical_objects()  # duplicates and orphans, by default
        out = io.BytesIO()
        writer.write(out)
    except Exception:  # a PDF pypdf cannot rewrite is sent as it came
        return data
    smaller = out.getvalue()
    return smaller if len(smaller) < len(data) else data


def attach_pdf(
    client: ProcountorClient,
    invoice: Invoice,
    invoice_id: str,
    *,
    send_with_invoice: bool,
    shrink: bool,
) -> str | None:
    """Attach the invoice's PDF; None when attached, else the warning to show."""
    assert invoice.pdf is not None
    data = base64.b64decode(invoice.pdf.content_base64)
    if shrink:
        data = shrink_pdf(data)
    name = (
        invoice.pdf.name if invoice.pdf.name.lower().endswith(".pdf") else f"{invoice.pdf.name}.pdf"
    )
    if len(data) > MAX_BYTES:
        return (
            f"the PDF copy ({len(data):,} bytes) is larger than Procountor accepts "
            f"({MAX_BYTES:,}): attach it by hand in Procountor"
            + ("" if shrink else ", or turn on shrink_pdf for the connection")
        )
    meta = {
        "name": name,
        "referenceType": "INVOICE",
        "referenceId": int(invoice_id),
        "mimeType": "application/pdf",
        "sendWithInvoice": send_with_invoice,
    }
    try:
        client.attach(meta, name, data, "application/pdf")
    except RemoteError as exc:
        return f"the PDF copy could not be attached ({exc}): attach it by hand in Procountor" + (
            "" if shrink else "; if it is large, turn on shrink_pdf for the connection"
        )
    return None
