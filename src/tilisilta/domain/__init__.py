"""Canonical documents and the Finnish invoicing rules. Pure: imports nothing else of ours."""
