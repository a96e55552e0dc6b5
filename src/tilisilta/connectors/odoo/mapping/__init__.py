"""Odoo mapping: pure functions from Odoo records to canonical documents (``records``), the
record kept as read when it cannot be mapped (``raw``), and the pull cursor's windows
(``cursor``). No I/O, no store."""
