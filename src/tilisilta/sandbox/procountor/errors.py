"""Procountor's error shape and the codes the sandbox answers with.

Every error body is ``{"errors": [{"status": 400, "field": "<json path>", "message": "<CODE>"}]}``
(``field`` only when one field is at fault). Procountor documents only a few codes
(``DUE_DATE_BEFORE_BILL_DATE``, ``OVT_NOT_ALLOWED``, ``INVALID_OVT``, ``UNABLE_TO_GET_CONNECTION``);
the others below are the sandbox's own choice, named so a person can act on them. Clients must
branch on the HTTP status and the field, never on these invented codes.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from .jsonio import JSONResponse

# Documented by Procountor.
DUE_DATE_BEFORE_BILL_DATE = "DUE_DATE_BEFORE_BILL_DATE"
OVT_NOT_ALLOWED = "OVT_NOT_ALLOWED"
UNABLE_TO_GET_CONNECTION = "UNABLE_TO_GET_CONNECTION"

# Our choices (the real codes are undocumented).
REQUIRED = "REQUIRED"
INVALID_VALUE = "INVALID_VALUE"
INVALID_TYPE = "INVALID_TYPE"
TOO_LONG = "TOO_LONG"
TOO_SHORT = "TOO_SHORT"
VALUE_OUT_OF_RANGE = "VALUE_OUT_OF_RANGE"
INVALID_CHARACTERS = "INVALID_CHARACTERS"  # outside Windows-1252
AT_LEAST_ONE_ROW_REQUIRED = "AT_LEAST_ONE_ROW_REQUIRED"
VAT_PERCENT_NOT_IN_USE = "VAT_PERCENT_NOT_IN_USE"
VAT_STATUS_NOT_ALLOWED = "VAT_STATUS_NOT_ALLOWED"
PAYMENT_TERM_TOO_LONG = "PAYMENT_TERM_TOO_LONG"
BANK_ACCOUNT_NOT_FOUND = "BANK_ACCOUNT_NOT_FOUND"
BIC_NOT_ALLOWED = "BIC_NOT_ALLOWED"
AMOUNT_EXCEEDS_OPEN_SUM = "AMOUNT_EXCEEDS_OPEN_SUM"  # [assumed] an overpayment
INVOICE_CHANNEL_NOT_ALLOWED = "INVOICE_CHANNEL_NOT_ALLOWED"
PAYMENT_METHOD_NOT_ALLOWED = "PAYMENT_METHOD_NOT_ALLOWED"
REQUIRED_FOR_INVOICE_CHANNEL = "REQUIRED_FOR_INVOICE_CHANNEL"
INVALID_EMAIL = "INVALID_EMAIL"
INVALID_BANK_REFERENCE_CODE = "INVALID_BANK_REFERENCE_CODE"
BANK_REFERENCE_CODE_TYPE_NOT_ALLOWED = "BANK_REFERENCE_CODE_TYPE_NOT_ALLOWED"
DATE_IN_CLOSED_PERIOD = "DATE_IN_CLOSED_PERIOD"
DATE_NOT_IN_FISCAL_YEAR = "DATE_NOT_IN_FISCAL_YEAR"
CURRENCY_RATE_MUST_BE_ONE = "CURRENCY_RATE_MUST_BE_ONE"
PARTNER_NOT_FOUND = "PARTNER_NOT_FOUND"
PRODUCT_NOT_FOUND = "PRODUCT_NOT_FOUND"
NOT_EDITABLE = "NOT_EDITABLE"
INVOICE_TYPE_NOT_SUPPORTED = "INVOICE_TYPE_NOT_SUPPORTED"
STALE_VERSION = "STALE_VERSION"
ACCOUNT_NOT_FOUND = "ACCOUNT_NOT_FOUND"
ACCOUNT_INACTIVE = "ACCOUNT_INACTIVE"
TOO_MANY_REVERSING_ENTRIES = "TOO_MANY_REVERSING_ENTRIES"
TOO_MANY_RECONCILIATION_ENTRIES = "TOO_MANY_RECONCILIATION_ENTRIES"
RECEIPT_NOT_BALANCED = "RECEIPT_NOT_BALANCED"
DIMENSION_NOT_FOUND = "DIMENSION_NOT_FOUND"
DIMENSION_ITEM_NOT_FOUND = "DIMENSION_ITEM_NOT_FOUND"
DUPLICATE_DIMENSION_ITEM = "DUPLICATE_DIMENSION_ITEM"
DIMENSION_VALUES_DO_NOT_MATCH = "DIMENSION_VALUES_DO_NOT_MATCH"
TOO_MANY_IDS = "TOO_MANY_IDS"
INVALID_JSON = "INVALID_JSON"
UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"  # 415
# Payments (our choices as well).
CURRENCY_MISMATCH = "CURRENCY_MISMATCH"  # markpaid currency is not the invoice's
# Business partners and products (our choices).
FIELD_NOT_PATCHABLE = "FIELD_NOT_PATCHABLE"
UNKNOWN_FIELD = "UNKNOWN_FIELD"  # [assumed] a field the invoice model does not have
PRODUCT_GROUP_NOT_FOUND = "PRODUCT_GROUP_NOT_FOUND"
TRAVEL_NOT_REMOVABLE = "TRAVEL_NOT_REMOVABLE"  # DELETE of a TRAVEL product or product group
PRODUCT_GROUP_IN_USE = "PRODUCT_GROUP_IN_USE"  # 409: the group still has products
DUPLICATE_VALUE = "DUPLICATE_VALUE"  # a dimension item codeName, a repeated subscription
# Attachments (our choices).
INVALID_MULTIPART = "INVALID_MULTIPART"
FILE_TOO_LARGE = "FILE_TOO_LARGE"
FILE_EMPTY = "FILE_EMPTY"
REFERENCE_TYPE_NOT_SUPPORTED = "REFERENCE_TYPE_NOT_SUPPORTED"
REFERENCE_NOT_FOUND = "REFERENCE_NOT_FOUND"
SEND_WITH_INVOICE_NOT_ALLOWED = "SEND_WITH_INVOICE_NOT_ALLOWED"
# Webhooks (our choice).
INVALID_URL = "INVALID_URL"
# 403 / 404 / 401
INVALID_STATUS = "INVALID_INVOICE_STATUS"
CLOSED_FISCAL_PERIOD = "CLOSED_FISCAL_PERIOD"
NOT_FOUND = "NOT_FOUND"
INVALID_TOKEN = "INVALID_TOKEN"
GET_WITH_BODY = "GET_REQUEST_WITH_BODY_NOT_ALLOWED"
TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS"
CLIENT_SUSPENDED = "CLIENT_SUSPENDED"


def error_item(status: int, message: str, field: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"status": status}
    if field is not None:
        item["field"] = field
    item["message"] = message
    return item


class ApiError(Exception):
    """Raised by handlers; rendered as Procountor's error body with ``status``."""

    def __init__(
        self,
        status: int,
        errors: list[dict[str, Any]] | str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        if isinstance(errors, str):
            errors = [error_item(status, errors, field)]
        super().__init__(f"{status}: {errors}")
        self.status = status
        self.errors = errors
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"errors": self.errors}

    def response(self) -> Response:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


class ValidationErrors:
    """Collects every problem of one request so the answer lists them all at once."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, field: str | None, message: str) -> None:
        self.items.append(error_item(400, message, field))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ApiError(400, self.items)
