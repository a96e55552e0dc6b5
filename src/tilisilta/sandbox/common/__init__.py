"""What every sandbox shares: the base (clock, lock, faults, request log, admin routes, app
assembly), fault injection, the in-process transport, payment references."""
