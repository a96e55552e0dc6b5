"""Demo data: a realistic batch for the demo company, to try the hub end to end."""

from tilisilta.demo.dataset import demo_invoice_file, demo_invoices

__all__ = ["demo_invoice_file", "demo_invoices"]
