"""One Settings object, read from TILISILTA_* environment variables."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TILISILTA_", extra="ignore")

    home: Path = Field(
        default_factory=lambda: Path.home() / ".tilisilta",
        description="Folder for the embedded database and the secret key file.",
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file in the home folder."
    )
    secret_keys: SecretStr | None = Field(
        default=None,
        description=(
            "Comma-separated Fernet keys, newest first. Without it a key file in the home "
            "folder is used (created on first use)."
        ),
    )
    send_lease_seconds: float = Field(
        default=300.0, description="How long a send may take before another run may reconcile it."
    )
    max_attempts: int = Field(default=6, description="Delivery attempts before a final error.")
    schedule_lease_seconds: float = Field(
        default=60.0,
        gt=5,
        description=(
            "How long a runner's claim on a scheduled run lasts unless renewed (it renews it "
            "every third of this while alive); a killed runner's runs are taken up after it."
        ),
    )

    stalled_worker_seconds: float = Field(
        default=30.0,
        gt=1,
        description=(
            "A worker silent this long is taken for dead: its job goes "
            "back to the queue for another worker (it sends a heartbeat every third of this)."
        ),
    )

    @property
    def schedule_lease(self) -> timedelta:
        return timedelta(seconds=self.schedule_lease_seconds)

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'tilisilta.db'}"

    @property
    def key_file(self) -> Path:
        return self.home / "secret.key"
