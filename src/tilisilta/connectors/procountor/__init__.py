"""Procountor: sales invoices and credit notes out (customers, products and payments to come)."""
