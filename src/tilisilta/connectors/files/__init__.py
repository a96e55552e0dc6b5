"""Documents dropped as files (JSON or CSV), for systems without an API connector."""
