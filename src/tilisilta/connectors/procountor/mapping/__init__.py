"""Procountor mapping: pure functions between canonical documents and Procountor's payloads
(invoices, registers and their matching, VAT settings, codes, posting-product keys, the
accounting catalog). No I/O, no store."""
