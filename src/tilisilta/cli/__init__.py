"""The `tilisilta` command."""
