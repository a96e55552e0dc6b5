"""Odoo as the ERP: reading invoices, partners and products, writing payments back."""
