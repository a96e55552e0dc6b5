"""The admin API's JSON views of a company's state (money as strings: never floats)."""

from __future__ import annotations

from typing import Any

from .state import Company, PurchaseInvoice, SalesInvoice, SalesPayment


def invoice_view(i: SalesInvoice) -> dict[str, Any]:
    return {
        "netvisor_key": i.key,
        "number": i.number,
        "reference": i.reference,
        "type": i.invoice_type,
        "status": i.status,
        "substatus": i.substatus,
        "date": i.invoice_date.isoformat(),
        "due_date": i.due_date.isoformat() if i.due_date else None,
        "amount": str(i.amount),
        "open_sum": str(i.open_sum),
        "currency": i.currency,
        "customer_key": i.customer_key,
        "voucher": i.voucher,
        "matched": list(i.matched),
        "lines": [
            {
                "product": line.identifier,
                "quantity": str(line.quantity),
                "unit_price": str(line.unit_price),
                "net": str(line.net),
                "vat": str(line.vat),
            }
            for line in i.lines
            if line.product_key is not None
        ],
    }


def payment_view(p: SalesPayment) -> dict[str, Any]:
    return {
        "netvisor_key": p.key,
        "date": p.payment_date.isoformat(),
        "amount": str(p.amount),
        "invoice_number": p.invoice_number,
        "reference": p.reference,
        "name": p.name,
    }


def purchase_view(i: PurchaseInvoice) -> dict[str, Any]:
    return {
        "netvisor_key": i.key,
        "number": i.number,
        "date": i.invoice_date.isoformat(),
        "vendor": i.vendor_name,
        "amount": str(i.amount),
        "approval": i.approval,
        "attachments": [a.file_name for a in i.attachments],
    }


def company_state(c: Company) -> dict[str, Any]:
    return {
        "business_id": c.business_id,
        "name": c.name,
        "locked_until": c.locked_until.isoformat() if c.locked_until else None,
        "customers": [
            {"netvisor_key": x.key, "code": x.code, "name": x.name} for x in c.customers.values()
        ],
        "products": [
            {"netvisor_key": x.key, "code": x.code, "name": x.get("name")}
            for x in c.products.values()
        ],
        "sales_invoices": [invoice_view(i) for i in c.sales_invoices.values()],
        "payments": [payment_view(p) for p in c.payments.values()],
        "purchase_invoices": [purchase_view(i) for i in c.purchase_invoices.values()],
    }
