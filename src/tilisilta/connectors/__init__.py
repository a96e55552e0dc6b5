"""One folder per external system: client (HTTP only), mapping (pure), flows (ledger and store)."""
