"""The delivery ledger: exchanges, bindings and the exactly-once delivery protocol."""
