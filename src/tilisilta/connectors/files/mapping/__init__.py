"""The files connector's mapping: documents read from a dropped file (CSV or JSON) into canonical
invoices, with the problems found on the way. No store."""
