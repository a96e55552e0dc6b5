"""Odoo flows: the named operations, and the only Odoo modules touching the store and the
ledger (connection test, pulling partners, products and invoices, the posted check, pushing
payments, reading the setup)."""
