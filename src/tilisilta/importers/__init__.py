"""Getting documents in from any system that can drop a file."""

from tilisilta.importers.invoices import (
    ImportResult,
    UnsupportedFileType,
    parse_invoice_file,
    parse_invoices_csv,
    parse_invoices_json,
)

__all__ = [
    "ImportResult",
    "UnsupportedFileType",
    "parse_invoice_file",
    "parse_invoices_csv",
    "parse_invoices_json",
]
