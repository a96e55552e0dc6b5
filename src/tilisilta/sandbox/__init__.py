"""Local, strict imitations of the external systems, as ASGI apps."""
