"""What every sandbox shares: faults, the in-process transport."""
