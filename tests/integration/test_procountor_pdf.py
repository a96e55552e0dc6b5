"""The invoice's PDF copy attached in Procountor; a copy that cannot be attached only warns."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

from pypdf import PdfWriter
from pypdf.generic import ContentStream, DecodedStreamObject, NameObject

from tests.factories import invoice
from tests.hub import TestHub
from tilisilta.connectors.procountor.flows.attachments import shrink_pdf


def make_pdf(repeat: int = 1) -> bytes:
    """A one-page PDF whose content stream is stored uncompressed, ``repeat`` lines of text."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 10 Tf 40 800 Td (Lasku 1001 - Rakennus Virtanen Oy) Tj ET\n" * repeat)
    page[NameObject("/Contents")] = writer._add_object(ContentStream(stream, writer))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_pdf(number: str, data: bytes) -> dict[str, Any]:
    return invoice(
        number,
        pdf={"name": f"lasku-{number}.pdf", "content_base64": base64.b64encode(data).decode()},
    )


def test_the_pdf_copy_is_attached_to_the_invoice(hub: TestHub, tmp_path: Path) -> None:
    pdf = make_pdf()
    hub.import_invoices([with_pdf("1001", pdf)], tmp_path)
    [line] = hub.send().lines
    assert line.state == "sent"
    assert "PDF copy attached" in (line.message or "")
    [attachment] = hub.procountor.sandbox.attachments(hub.procountor.company_id)
    [sent] = hub.procountor.invoices()
    assert attachment["referenceId"] == sent["id"]
    assert attachment["name"] == "lasku-1001.pdf"
    assert attachment["sendWithInvoice"] is False


def test_a_copy_too_large_is_a_warning_and_the_invoice_still_stands(
    hub: TestHub, tmp_path: Path
) -> None:
    hub.import_invoices([with_pdf("1001", b"%PDF-1.4\n" + b"0" * 10_000_001)], tmp_path)
    [line] = hub.send().lines
    assert line.state == "sent"
    assert "warning: the PDF copy (10,000,010 bytes) is larger than Procountor accepts" in (
        line.message or ""
    )
    assert "shrink_pdf" in (line.message or "")
    assert len(hub.procountor.invoices()) == 1
    assert hub.procountor.sandbox.attachments(hub.procountor.company_id) == []
    # The log files it under Warning, apart from the plain Info of invoices that went whole.
    from tilisilta.ledger.exchanges import list_log
    from tilisilta.ledger.outcomes import Category

    with hub.store.session() as session:
        [warned] = list_log(session, category=Category.WARNING, connection=None, limit=10)
        assert warned.state == "sent" and "larger than Procountor accepts" in (warned.error or "")


def test_a_refused_attachment_is_a_warning_and_is_not_retried(hub: TestHub, tmp_path: Path) -> None:
    faults = hub.procountor.sandbox.faults
    faults.error_5xx = 1.0
    faults.only = r"^POST /api/attachments"
    hub.import_invoices([with_pdf("1001", make_pdf())], tmp_path)
    [line] = hub.send().lines
    assert line.state == "sent"
    assert "the PDF copy could not be attached" in (line.message or "")
    posts = [r for r in hub.procountor.sandbox.request_log if r[1] == "/api/attachments"]
    assert len(posts) == 1


def test_options_send_the_pdf_with_the_invoice_and_shrink_it(  # type: ignore[no-untyped-def]
    sqlite_store, box, clock, settings, procountor, tmp_path: Path
) -> None:
    hub = TestHub(sqlite_store, box, clock, settings).connect_procountor(
        procountor, pdf_send_with_invoice=True, shrink_pdf=True
    )
    big = make_pdf(repeat=20_000)
    hub.import_invoices([with_pdf("1001", big)], tmp_path)
    [line] = hub.send().lines
    assert line.state == "sent", line.message
    [attachment] = procountor.sandbox.attachments(procountor.company_id)
    assert attachment["sendWithInvoice"] is True
    company = procountor.sandbox.companies[procountor.company_id]
    stored = company.attachments[attachment["id"]].content
    assert stored.startswith(b"%PDF") and len(stored) < len(big) / 10


def test_shrinking_compresses_and_never_grows_a_file() -> None:
    big = make_pdf(repeat=20_000)
    assert len(shrink_pdf(big)) < len(big) / 10
    assert shrink_pdf(b"not a pdf") == b"not a pdf"
