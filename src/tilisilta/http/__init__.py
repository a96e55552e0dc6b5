"""The one HTTP client stack: retries, rate limits, call recording, redaction, error taxonomy."""
