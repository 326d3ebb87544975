"""Settings, read from the environment and ``.env`` (pydantic-settings).

Every setting is listed in README.md. ``load_settings()`` turns a validation failure
into :class:`SettingsError` with one line per bad setting naming it by its env var.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

if TYPE_CHECKING:
    from tickets.announce.quiet import SendingHours

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/citizen-desk.db"


class SettingsError(Exception):
    """A missing or invalid setting; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    # Telegram
    bot_token: SecretStr | None = None
    bot_username: str | None = None  # for deep links when Telegram can't be asked (getMe)
    telegram_api_url: str = "https://api.telegram.org"
    telegram_timeout: float = Field(default=30.0, gt=0)  # seconds per Bot API call
    webhook_base_url: str | None = None
    webhook_path: str = "/telegram/webhook"
    webhook_secret: SecretStr | None = None

    # HTTP server
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)

    # Web console
    public_base_url: str | None = None  # for sign-in links; default http://HOST:PORT
    console_session_hours: float = Field(default=12.0, gt=0, le=24 * 30)

    # Storage
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None  # aiogram FSM storage shared by several instances
    conversation_ttl_days: int = Field(default=30, ge=1)  # untouched conversations are pruned

    # Content
    faq_dir: Path = Path("config/faq")
    departments_file: Path = Path("config/departments.yaml")
    faq_watch: bool = True  # reload the knowledge base when its files change
    faq_answer_score: float | None = Field(default=None, ge=0, le=100)
    faq_suggest_score: float | None = Field(default=None, ge=0, le=100)
    route_margin: float | None = Field(default=None, ge=0, le=100)  # None: calibrated
    route_lesson_days: int = Field(default=180, ge=1, le=3650)  # lessons older are forgotten
    locales_dir: Path | None = None  # administrators' .ftl overrides of the built-in texts
    faq_semantic: bool = False  # embedding second opinion (needs citizen-desk[semantic])
    faq_review_days: int = Field(default=365, ge=1, le=36500)  # older 'reviewed' is stale

    # People and places
    timezone: str = "Asia/Shanghai"
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)

    # Operations
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    scheduler_enabled: bool = True
    outbox_enabled: bool = True
    # Sent and failed outbox rows copy personal data: the scheduler deletes them after this.
    outbox_retention_days: int = Field(default=30, ge=1, le=3650)

    # Announcements (README, "Announcements")
    announce_hours: str = "08:00-21:00"  # city time; non-urgent ones wait for the window
    announce_rate: int = Field(default=25, ge=1, le=30)  # Telegram messages/s for broadcasts
    announce_interval: float = Field(default=5.0, gt=0, le=3600)  # seconds between steps
    announce_chunk: int = Field(default=500, ge=1, le=10000)  # deliveries per transaction
    announce_window: int = Field(default=3000, ge=1, le=1_000_000)  # queued, not yet sent

    # WeChat Official Account (公众号): the callback at WECHAT_PATH, customer-service messages
    wechat_token: SecretStr | None = None  # the Token of the server configuration
    wechat_app_id: str | None = None
    wechat_app_secret: SecretStr | None = None
    wechat_aes_key: SecretStr | None = None  # EncodingAESKey: set = safe mode
    wechat_api_url: str = "https://api.weixin.qq.com"
    wechat_path: str = "/wechat"
    # Seconds a callback waits for the answer before it says "success" and sends the answer
    # as a customer-service message (WeChat gives up after 5 s and retries).
    wechat_reply_deadline: float = Field(default=4.0, gt=0, le=4.8)

    # Web chat (issue 13): GET /chat, its API and the embeddable widget
    webchat_enabled: bool = True
    # Signs the visitor cookie and the CSRF tokens; unset: a random key made once and kept in
    # the database (shared by every instance, survives restarts).
    webchat_secret: SecretStr | None = None
    # Sites allowed to embed the chat (the widget's iframe): frame-ancestors / X-Frame-Options.
    webchat_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    city_name: str | None = Field(default=None, max_length=80)  # unset: the catalogue's name
    webchat_color: str = "#0b5cad"  # the page's main colour (#rrggbb)
    webchat_heartbeat: float = Field(default=15.0, gt=0, le=300)  # seconds between pings
    webchat_text_max: int = Field(default=2000, ge=1, le=20000)  # characters per message
    webchat_photo_max: int = Field(default=5_000_000, ge=1000, le=50_000_000)  # bytes
    webchat_rate: int = Field(default=20, ge=1, le=10000)  # POSTs per visitor per minute
    webchat_ip_rate: int = Field(default=120, ge=1, le=100000)  # POSTs per IP per minute
    webchat_trust_proxy: bool = False  # take the client IP from X-Forwarded-For

    @field_validator("webchat_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            value = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
        if isinstance(value, list):
            out = []
            for origin in value:
                origin = str(origin).rstrip("/")
                if not origin.startswith(("http://", "https://")) or any(
                    c in origin for c in " ;'\"<>"
                ):
                    raise ValueError(f"use origins like https://www.city.gov.cn (got {origin!r})")
                out.append(origin)
            return out
        return value

    @field_validator("webchat_color")
    @classmethod
    def _valid_color(cls, value: str) -> str:
        import re

        if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
            raise ValueError("use a colour like #0b5cad")
        return value.lower()

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
            return [int(p) for p in parts]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("announce_hours")
    @classmethod
    def _valid_hours(cls, value: str) -> str:
        from tickets.announce.quiet import parse_hours

        parse_hours(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _valid_tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _valid_db(cls, value: str) -> str:
        if value.startswith("postgres://"):
            value = "postgresql+asyncpg://" + value[len("postgres://") :]
        elif value.startswith("postgresql://"):
            value = "postgresql+asyncpg://" + value[len("postgresql://") :]
        elif value.startswith("sqlite:///"):
            value = "sqlite+aiosqlite:///" + value[len("sqlite:///") :]
        if not (
            value.startswith("sqlite+aiosqlite://") or value.startswith("postgresql+asyncpg://")
        ):
            raise ValueError("use sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER@HOST/DB")
        return value

    @field_validator("webhook_path", "wechat_path")
    @classmethod
    def _slash(cls, value: str) -> str:
        return value if value.startswith("/") else "/" + value

    @field_validator("public_base_url")
    @classmethod
    def _valid_base(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("use an http:// or https:// URL, e.g. https://desk.example.gov")
        return value.rstrip("/") if value is not None else None

    @field_validator("webhook_base_url", "redis_url", "public_base_url", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator(
        "bot_token",
        "webhook_secret",
        "wechat_token",
        "wechat_app_secret",
        "wechat_aes_key",
        "webchat_secret",
        mode="before",
    )
    @classmethod
    def _empty_secret_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("wechat_app_id", "city_name", mode="before")
    @classmethod
    def _empty_app_id_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("wechat_aes_key")
    @classmethod
    def _valid_aes_key(cls, value: SecretStr | None) -> SecretStr | None:
        key = value.get_secret_value() if value is not None else None
        if key is not None and not (len(key) == 43 and key.isascii() and key.isalnum()):
            raise ValueError("the EncodingAESKey is 43 letters and digits (the 公众号 console's)")
        return value

    @field_validator("wechat_api_url")
    @classmethod
    def _valid_wechat_api(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("use an http:// or https:// URL, e.g. https://api.weixin.qq.com")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _wechat_complete(self) -> Settings:
        if self.wechat_token is not None and not (self.wechat_app_id and self.wechat_app_secret):
            raise ValueError(
                "WECHAT_TOKEN is set: set WECHAT_APP_ID and WECHAT_APP_SECRET too (the "
                "公众号 console's 开发 → 基本配置)"
            )
        return self

    # Derived values -------------------------------------------------------------------
    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def sending_hours(self) -> SendingHours:
        """ANNOUNCE_HOURS in the city's time zone (tickets.announce.SendingHours)."""
        from tickets.announce.quiet import SendingHours

        return SendingHours.of(self.announce_hours, self.tz)

    @property
    def telegram_enabled(self) -> bool:
        return self.bot_token is not None

    @property
    def wechat_enabled(self) -> bool:
        """The WeChat channel is served when its Token (and so AppID and AppSecret) is set."""
        return self.wechat_token is not None

    @property
    def use_webhook(self) -> bool:
        return bool(self.webhook_base_url)

    @property
    def webhook_url(self) -> str | None:
        if not self.webhook_base_url:
            return None
        return self.webhook_base_url.rstrip("/") + self.webhook_path

    @property
    def console_base_url(self) -> str:
        """Where the console's sign-in links point: ``PUBLIC_BASE_URL`` or ``http://HOST:PORT``
        (``127.0.0.1`` for a wildcard ``HOST``)."""
        if self.public_base_url:
            return self.public_base_url
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    @property
    def secret_token(self) -> str | None:
        """The X-Telegram-Bot-Api-Secret-Token value: configured, or derived from the token."""
        if self.webhook_secret is not None:
            return self.webhook_secret.get_secret_value()
        if self.bot_token is None:
            return None
        digest = hashlib.sha256(b"citizen-desk:" + self.bot_token.get_secret_value().encode())
        return digest.hexdigest()[:48]


_SECRETS = frozenset(
    {
        "bot_token",
        "webhook_secret",
        "wechat_token",
        "wechat_app_secret",
        "wechat_aes_key",
        "webchat_secret",
    }
)


def _env_name(loc: tuple[object, ...]) -> str:
    return str(loc[0]).upper() if loc else "SETTINGS"


def load_settings(**overrides: object) -> Settings:
    """Read the settings; raise :class:`SettingsError` naming every bad one."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
            value = err.get("input")
            secret = str((err.get("loc") or ("",))[0]) in _SECRETS  # never echo a secret
            shown = f" (got {value!r})" if isinstance(value, str | int | float) else ""
            shown = "" if secret else shown
            lines.append(f"{_env_name(err.get('loc', ()))}: {msg}{shown}")
        raise SettingsError("; ".join(lines)) from None
    except ValueError as exc:  # e.g. ADMIN_IDS=abc fails inside the before-validator
        raise SettingsError(str(exc)) from None
