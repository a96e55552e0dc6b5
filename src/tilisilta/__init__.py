"""Tilisilta: an integration hub that moves business documents exactly once."""

__version__ = "0.1.0"
