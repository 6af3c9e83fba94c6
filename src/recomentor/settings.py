"""Typed settings read once from RECOMENTOR_* environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from recomentor.errors import InvalidInputError

PREFIX = "RECOMENTOR_"
DEFAULT_MODEL = "all-MiniLM-L6-v2"


def _env(environ: Mapping[str, str], name: str, default: str) -> str:
    value = environ.get(PREFIX + name, "").strip()
    return value or default


def _env_number(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = _env(environ, name, str(default))
    try:
        return float(raw)
    except ValueError:
        raise InvalidInputError(f"{PREFIX}{name} must be a number, got {raw!r}") from None


def _positive(environ: Mapping[str, str], name: str, default: float) -> float:
    value = _env_number(environ, name, default)
    # NaN and infinity pass a plain `> 0`; neither is a usable interval.
    if not 0 < value < 1e9:
        raise InvalidInputError(f"{PREFIX}{name} must be a positive number of seconds")
    return value


def _env_list(environ: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = _env(environ, name, "")
    return tuple(item.strip() for item in raw.split(",") if item.strip())


@dataclass(frozen=True)
class Settings:
    """Everything configurable; each default works on a fresh machine with no network."""

    home: Path = Path(".recomentor")
    database_url: str = ""
    embedding_model: str = DEFAULT_MODEL
    device: str = "cpu"
    mlflow_tracking_uri: str = ""
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    lang: str = "en"
    min_gap: float = 5.0
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    rate_limit_per_minute: int = 600
    # Failed authentications per client address and minute before it gets 429: keys cannot be
    # guessed at full speed.
    auth_failures_per_minute: int = 20
    max_upload_bytes: int = 20 * 1024 * 1024
    max_rows: int = 200_000
    max_text_chars: int = 2_000
    min_feedback: int = 50
    # Keys the hashes of erased ids; empty: a random key kept in `home` (see suppression.py).
    erasure_key: str = field(default="", repr=False)
    # Where browsers reach the web app; an https URL makes the session cookie Secure. Also the
    # base of the links in feedback requests (`{public_url}/feedback/{token}`).
    public_url: str = ""
    # A web session ends after this long without a request, and at the latest after its
    # lifetime, however active.
    session_idle_minutes: float = 30.0
    session_lifetime_hours: float = 12.0
    # Failed sign-ins per account and minute (the per-address count is auth_failures_per_minute).
    sign_in_failures_per_minute: int = 5
    # Outgoing mail for feedback requests; no host: only `feedback send --dry-run` works.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_from: str = ""
    # Messages per second: mail servers throttle or block bursts from one sender.
    mail_per_second: float = 5.0
    # A feedback link works this many days after it was sent; answers stay revisable until
    # then, and at most `feedback_grace_days` after the pairing ended.
    feedback_link_days: int = 30
    feedback_grace_days: int = 14
    # How often each `serve` worker looks for a champion moved by another process (the CLI,
    # another worker, training); one indexed query each time.
    champion_check_seconds: float = 5.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        home = Path(_env(env, "HOME", ".recomentor")).expanduser()
        lang = _env(env, "LANG", "en")
        if lang not in ("en", "fr"):
            raise InvalidInputError(f"{PREFIX}LANG must be 'en' or 'fr', got {lang!r}")
        return cls(
            home=home,
            database_url=_env(env, "DATABASE_URL", ""),
            embedding_model=_env(env, "EMBEDDING_MODEL", DEFAULT_MODEL),
            device=_env(env, "DEVICE", "cpu"),
            mlflow_tracking_uri=_env(env, "MLFLOW_TRACKING_URI", ""),
            api_host=_env(env, "API_HOST", "127.0.0.1"),
            api_port=int(_env_number(env, "API_PORT", 8000)),
            lang=lang,
            min_gap=_env_number(env, "MIN_GAP", 5.0),
            cors_origins=_env_list(env, "CORS_ORIGINS"),
            rate_limit_per_minute=int(_env_number(env, "RATE_LIMIT_PER_MINUTE", 600)),
            auth_failures_per_minute=int(_env_number(env, "AUTH_FAILURES_PER_MINUTE", 20)),
            max_upload_bytes=int(_env_number(env, "MAX_UPLOAD_BYTES", 20 * 1024 * 1024)),
            max_rows=int(_env_number(env, "MAX_ROWS", 200_000)),
            max_text_chars=int(_env_number(env, "MAX_TEXT_CHARS", 2_000)),
            min_feedback=int(_env_number(env, "MIN_FEEDBACK", 50)),
            erasure_key=_env(env, "ERASURE_KEY", ""),
            public_url=_env(env, "PUBLIC_URL", ""),
            session_idle_minutes=_env_number(env, "SESSION_IDLE_MINUTES", 30.0),
            session_lifetime_hours=_env_number(env, "SESSION_LIFETIME_HOURS", 12.0),
            sign_in_failures_per_minute=int(_env_number(env, "SIGN_IN_FAILURES_PER_MINUTE", 5)),
            smtp_host=_env(env, "SMTP_HOST", ""),
            smtp_port=int(_env_number(env, "SMTP_PORT", 587)),
            smtp_user=_env(env, "SMTP_USER", ""),
            # Not stripped: a password may begin or end with a space.
            smtp_password=env.get(PREFIX + "SMTP_PASSWORD", ""),
            smtp_from=_env(env, "SMTP_FROM", ""),
            mail_per_second=_env_number(env, "MAIL_PER_SECOND", 5.0),
            feedback_link_days=int(_env_number(env, "FEEDBACK_LINK_DAYS", 30)),
            feedback_grace_days=int(_env_number(env, "FEEDBACK_GRACE_DAYS", 14)),
            champion_check_seconds=_positive(env, "CHAMPION_CHECK_SECONDS", 5.0),
        )

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / 'recomentor.db').resolve()}"

    @property
    def resolved_tracking_uri(self) -> str:
        return self.mlflow_tracking_uri or f"sqlite:///{(self.home / 'mlflow.db').resolve()}"

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over TLS when browsers reach the app through https."""
        return self.public_url.lower().startswith("https://")

    @property
    def models_dir(self) -> Path:
        return self.home / "models"
