"""Procountor flows: the named operations, and the only Procountor modules touching the store
and the ledger (connection test, sending invoices, registers, payments, VAT settings, accounting
by row, attachments)."""
