"""The files connector's flows: importing a dropped file into the hub's store."""
