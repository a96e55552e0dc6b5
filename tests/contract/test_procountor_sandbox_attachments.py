"""Contract tests of the Procountor sandbox's attachments (shared/reference/procountor.md §3.1,
§7.14): multipart ``meta`` + ``file`` in, the 10 000 000 byte limit, references to the company's
invoices, ``multipart/mixed`` out, DELETE."""

from __future__ import annotations

import json
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

import httpx
import pytest
from test_procountor_sandbox_support import Env, errors_of, invoice_payload, make_env

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 4 + b"\r\n--not-a-boundary\r\n%%EOF"


@pytest.fixture
def env() -> Env:
    return make_env()


def meta_for(invoice_id: int, **overrides: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "name": "lasku-1001.pdf",
        "referenceType": "INVOICE",
        "referenceId": invoice_id,
        "mimeType": "application/pdf",
        "sendWithInvoice": True,
    }
    meta.update(overrides)
    return {k: v for k, v in meta.items() if v is not None}


def upload(
    env: Env,
    meta: dict[str, Any] | bytes,
    content: bytes = PDF,
    *,
    meta_type: str | None = "application/json",
    creds: dict[str, str] | None = None,
) -> httpx.Response:
    raw_meta = meta if isinstance(meta, bytes) else json.dumps(meta).encode()
    return env.http.post(
        "/api/attachments",
        headers={"Authorization": f"Bearer {env.token(creds)}"},
        files={
            "meta": (None, raw_meta, meta_type),
            "file": ("lasku.pdf", content, "application/pdf"),
        },
    )


def parse_mixed(response: httpx.Response) -> list[Message]:
    """Read a multipart/mixed response with the standard library's MIME parser."""
    head = f"Content-Type: {response.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + response.content)
    assert message.get_content_type() == "multipart/mixed"
    parts = list(message.iter_parts())  # type: ignore[attr-defined]
    return [p for p in parts if isinstance(p, Message)]


def test_upload_read_and_delete(env: Env) -> None:
    invoice = env.create_invoice()
    response = upload(env, meta_for(invoice["id"]))
    assert response.status_code == 200, response.text
    meta = response.json()
    assert meta == {
        "id": meta["id"],
        "name": "lasku-1001.pdf",
        "referenceType": "INVOICE",
        "referenceId": invoice["id"],
        "mimeType": "application/pdf",
        "sendWithInvoice": True,
    }
    assert env.ok("GET", f"/invoices/{invoice['id']}")["attachments"] == [meta]

    read = env.call("GET", f"/attachments/{meta['id']}")
    assert read.status_code == 200
    json_part, file_part = parse_mixed(read)
    assert json_part.get_content_type() == "application/json"
    assert json.loads(json_part.get_payload(decode=True)) == meta
    assert file_part.get_content_type() == "application/pdf"
    assert file_part.get_filename() == "lasku-1001.pdf"
    assert file_part.get_payload(decode=True) == PDF

    deleted = env.call("DELETE", f"/attachments/{meta['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert env.call("GET", f"/attachments/{meta['id']}").status_code == 404
    assert env.call("DELETE", f"/attachments/{meta['id']}").status_code == 404
    assert env.ok("GET", f"/invoices/{invoice['id']}")["attachments"] == []
    assert env.sb.attachments(env.company_id) == []


def test_size_limit_is_10_000_000_bytes(env: Env) -> None:
    invoice = env.create_invoice()
    at_limit = upload(env, meta_for(invoice["id"]), b"x" * 10_000_000)
    assert at_limit.status_code == 200
    over = upload(env, meta_for(invoice["id"]), b"x" * 10_000_001)
    assert errors_of(over) == {("file", "FILE_TOO_LARGE")}
    far_over = upload(env, meta_for(invoice["id"]), b"x" * 10_200_000)
    assert errors_of(far_over) == {("file", "FILE_TOO_LARGE")}
    assert len(env.sb.attachments(env.company_id)) == 1


def test_meta_validation(env: Env) -> None:
    invoice = env.create_invoice()
    assert errors_of(upload(env, {})) == {
        ("name", "REQUIRED"),
        ("referenceType", "REQUIRED"),
        ("referenceId", "REQUIRED"),
        ("sendWithInvoice", "REQUIRED"),
    }
    bad = meta_for(invoice["id"], name="lasku", referenceType="RECEIPT", sendWithInvoice="yes")
    assert errors_of(upload(env, bad)) == {
        ("name", "INVALID_VALUE"),  # a file extension is required
        ("referenceType", "INVALID_VALUE"),
        ("sendWithInvoice", "INVALID_TYPE"),
    }
    ledger = meta_for(invoice["ledgerReceiptId"], referenceType="LEDGERRECEIPT")
    assert errors_of(upload(env, ledger)) == {("referenceType", "REFERENCE_TYPE_NOT_SUPPORTED")}
    assert errors_of(upload(env, meta_for(424242))) == {("referenceId", "REFERENCE_NOT_FOUND")}
    assert errors_of(upload(env, meta_for(invoice["id"]), b"")) == {("file", "FILE_EMPTY")}
    assert errors_of(upload(env, meta_for(invoice["id"], name="lasku 🍕.pdf"))) == {
        ("name", "INVALID_CHARACTERS")
    }
    assert errors_of(upload(env, b"[1, 2]")) == {("meta", "INVALID_JSON")}
    assert errors_of(upload(env, b"{not json")) == {("meta", "INVALID_JSON")}
    assert env.sb.attachments(env.company_id) == []


def test_reference_must_be_an_invoice_of_the_callers_company(env: Env) -> None:
    other = env.sb.admin_create_company({"name": "Toinen Oy", "business_id": "1572860-0"})
    other_creds = {**env.creds, **{k: str(v) for k, v in other.items()}}
    theirs = env.ok("POST", "/invoices", invoice_payload(other["iban"]), creds=other_creds)
    env.ok("POST", "/invoices", invoice_payload(env.iban))  # same id in my company
    mine = env.ok("POST", "/invoices", invoice_payload(env.iban))
    assert errors_of(upload(env, meta_for(mine["id"]), creds=other_creds)) == {
        ("referenceId", "REFERENCE_NOT_FOUND")
    }
    uploaded = upload(env, meta_for(theirs["id"]), creds=other_creds).json()
    assert env.call("GET", f"/attachments/{uploaded['id']}").status_code == 404
    assert env.ok("GET", f"/invoices/{theirs['id']}")["attachments"] == []


def test_send_with_invoice_only_for_sales_invoices_and_orders(env: Env) -> None:
    order = env.create_invoice(type="SALES_ORDER")
    assert upload(env, meta_for(order["id"])).status_code == 200
    # The sandbox only creates sales documents; a purchase invoice is planted for the rule.
    purchase = env.create_invoice()
    env.sb.companies[env.company_id].invoices[purchase["id"]]["type"] = "PURCHASE_INVOICE"
    assert errors_of(upload(env, meta_for(purchase["id"]))) == {
        ("sendWithInvoice", "SEND_WITH_INVOICE_NOT_ALLOWED")
    }
    assert upload(env, meta_for(purchase["id"], sendWithInvoice=False)).status_code == 200


def test_mime_type_defaults_from_the_extension(env: Env) -> None:
    invoice = env.create_invoice()
    meta = upload(env, meta_for(invoice["id"], name="erittely.csv", mimeType=None)).json()
    assert meta["mimeType"] == "text/csv"
    odd = upload(env, meta_for(invoice["id"], name="data.zzqq", mimeType=None)).json()
    assert odd["mimeType"] == "application/octet-stream"


def test_multipart_framing_is_strict(env: Env) -> None:
    invoice = env.create_invoice()
    auth = {"Authorization": f"Bearer {env.token()}"}
    as_json = env.call("POST", "/attachments", meta_for(invoice["id"]))
    assert as_json.status_code == 415
    untyped_meta = upload(env, meta_for(invoice["id"]), meta_type=None)
    assert untyped_meta.status_code == 415
    assert errors_of(untyped_meta) == {("meta", "UNSUPPORTED_MEDIA_TYPE")}

    meta = json.dumps(meta_for(invoice["id"])).encode()

    def post(body: bytes, boundary: str = "XyZ") -> httpx.Response:
        headers = {**auth, "Content-Type": f'multipart/form-data; boundary="{boundary}"'}
        return env.http.post("/api/attachments", content=body, headers=headers)

    meta_part = (
        b'--XyZ\r\nContent-Disposition: form-data; name="meta"\r\n'
        b"Content-Type: application/json\r\n\r\n" + meta + b"\r\n"
    )
    file_part = (
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello\r\n'
    )
    comment_part = b'--XyZ\r\nContent-Disposition: form-data; name="comment"\r\n\r\nhi\r\n'
    good = meta_part + file_part + b"--XyZ--\r\n"
    assert post(good).status_code == 200
    assert errors_of(post(meta_part + file_part)) == {(None, "INVALID_MULTIPART")}  # unclosed
    assert errors_of(post(good.replace(b"\r\n", b"\n"))) == {(None, "INVALID_MULTIPART")}
    assert errors_of(post(good, boundary="Other")) == {(None, "INVALID_MULTIPART")}
    no_disposition = good.replace(b"Content-Disposition: form-data; ", b"X-Note: ", 1)
    assert errors_of(post(no_disposition)) == {(None, "INVALID_MULTIPART")}
    assert errors_of(post(meta_part + b"--XyZ--\r\n")) == {("file", "REQUIRED")}
    assert errors_of(post(meta_part + meta_part + file_part + b"--XyZ--\r\n")) == {
        ("meta", "DUPLICATE_VALUE")
    }
    assert post(comment_part + good).status_code == 200  # other parts are ignored
    no_boundary = env.http.post(
        "/api/attachments", content=good, headers={**auth, "Content-Type": "multipart/form-data"}
    )
    assert errors_of(no_boundary) == {(None, "INVALID_MULTIPART")}


def test_non_ascii_file_names_round_trip(env: Env) -> None:
    invoice = env.create_invoice()
    meta = upload(env, meta_for(invoice["id"], name="Erittely – häkä €.pdf")).json()
    _json_part, file_part = parse_mixed(env.call("GET", f"/attachments/{meta['id']}"))
    assert file_part.get_filename() == "Erittely – häkä €.pdf"
