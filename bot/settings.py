"""One ``Settings`` object, read from ``config.yml`` and overridden by the environment.

Environment variables use the ``DVCBOT_`` prefix and ``__`` between section and key
(``DVCBOT_STORES__TRACKER_URL=postgresql+psycopg://...``); ``DATABASE_URL`` alone points both stores
at one database, as most hosting platforms set it; ``REDIS_URL`` alone sets ``redis.url``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from console.settings import ConsoleSettings
from knowledge.dossier.settings import DossierSettings
from telephony.settings import TelephonySettings

__all__ = ["PROJECT_ROOT", "Settings", "load_settings", "looks_like_placeholder"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class PoliciesSettings(BaseModel):
    fallback_threshold: float = 0.45
    ambiguity_threshold: float = 0.1
    known_procedure_threshold: float = 0.25
    second_aspect_probability: float = 0.15
    sure_aspect_probability: float = 0.75
    fallback_buttons: int = 3
    max_actions_per_turn: int = 10


class SessionSettings(BaseModel):
    expiration_minutes: float = 60
    carry_over_slots: bool = False


class StoresSettings(BaseModel):
    tracker_url: str = "sqlite:///dvcbot.db"
    catalogue_url: str = "sqlite:///dvcbot.db"


class ModelSettings(BaseModel):
    dir: str = "models"


class ServerSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 5005
    max_message_chars: int = 2000
    max_body_bytes: int = 256 * 1024  # any request body over this gets 413 before it is read
    # Per client address (bot.api.address_limit), in memory: burst at once, refilled at this rate.
    requests_per_minute_per_address: float = 120
    request_burst_per_address: int = 60
    # SIGTERM: stop accepting, finish the turns in flight for up to this long, then stop.
    shutdown_grace_seconds: float = 20
    # Idle keep-alive connections are closed after this; longer than a load balancer's idle timeout
    # (60 s on most), so the balancer never sends a request on a connection the worker is closing.
    keep_alive_seconds: float = 75
    # /docs, /openapi.json, /dossier-service/{docs,openapi.json,health} and the action server's
    # GET /actions describe the service to whoever asks: None = on in development, off in production.
    introspection: bool | None = None


class ActionServerSettings(BaseModel):
    """The rasa-sdk action server (``POST /webhook``, ``GET /actions``): mounted only when ``token`` is set.

    ``DVCBOT_ACTION_SERVER__TOKEN``; Rasa sends it from ``endpoints.yml``
    (``action_endpoint: {url: ..., headers: {Authorization: "Bearer <token>"}}``). Without it anyone
    could run the actions on a tracker of their own making.
    """

    token: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.token)


class SupportSettings(BaseModel):
    """Where the bot sends people it cannot help; the national portal by default."""

    hotline: str = "18001096"
    portal_search_url: str = "https://dichvucong.gov.vn/p/home/dvc-tthc-tim-kiem.html"
    portal_lookup_url: str = "https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html"
    portal_feedback_url: str = "https://dichvucong.gov.vn/p/phananhkiennghi/pakn-gui-pakn.html"


class RateLimitSettings(BaseModel):
    """Per-sender limit on every channel: ``burst`` messages at once, refilled at this rate."""

    messages_per_minute: float = 20
    burst: int = 20


class WidgetSettings(BaseModel):
    enabled: bool = True
    demo_page: bool = True  # GET / shows the widget on a mock portal page
    # Portal pages (origins, "https://dichvucong.tinh.gov.vn") that may call the widget API from the
    # browser; empty: same-origin only (no CORS headers). "*" lets any page call it.
    allowed_origins: list[str] = Field(default_factory=list)


class TelegramSettings(BaseModel):
    """Enabled when ``token`` is set (``DVCBOT_CHANNELS__TELEGRAM__TOKEN``; never in config.yml)."""

    token: str = ""
    webhook_secret: str = ""  # DVCBOT_CHANNELS__TELEGRAM__WEBHOOK_SECRET, checked on every update
    webhook_path: str = "/webhooks/telegram/webhook"
    webhook_url: str = ""  # public https URL; when set, setWebhook is called at startup
    base_url: str = "https://api.telegram.org/bot"

    @property
    def enabled(self) -> bool:
        return bool(self.token)


class ZaloSettings(BaseModel):
    """Enabled when ``app_id`` and ``oa_secret_key`` are set; secrets from ``DVCBOT_CHANNELS__ZALO__*``."""

    app_id: str = ""
    oa_secret_key: str = ""  # signs webhook events (X-ZEvent-Signature)
    app_secret_key: str = ""  # for the refresh_token flow
    access_token: str = ""
    refresh_token: str = ""
    access_token_expires_at: float = 0  # unix seconds; 0 = unknown (refresh on the first token error)
    token_file: str = ""  # keeps the rotated token pair across restarts (Zalo refresh tokens are single-use)
    webhook_path: str = "/webhooks/zalo/webhook"
    api_base_url: str = "https://openapi.zalo.me"
    oauth_url: str = "https://oauth.zaloapp.com/v4/oa/access_token"
    refresh_margin_seconds: float = 300
    dedupe_ttl_seconds: float = 3600  # raised to cover the accepted window below when shorter
    max_event_age_seconds: float = 900  # a signed event dated earlier is refused (403): a replay
    max_event_ahead_seconds: float = 120  # clock skew tolerated for an event dated in the future
    max_attempts: int = 3
    retry_base_seconds: float = 0.5

    @property
    def enabled(self) -> bool:
        return bool(self.app_id and self.oa_secret_key)


class RedisSettings(BaseModel):
    """Shared state for several workers (``bot.coordination``): ``DVCBOT_REDIS__URL`` or ``REDIS_URL``.

    Empty: one process, everything in memory (``dvcbot run --workers N`` with N > 1 refuses to start).
    """

    url: str = ""
    key_prefix: str = "dvcbot:"
    lock_lease_seconds: float = 10.0  # a dead worker's conversations are free again after this
    lock_wait_seconds: float = 10.0  # a turn waiting longer for its conversation gets a 503
    # A turn whose client numbered it (REST metadata.sequence) waits up to this long, from its
    # arrival, for the message numbered just before it (on its way through a busier worker).
    order_wait_seconds: float = 0.5
    socket_timeout_seconds: float = 2.0
    # Per worker and client (one async, one sync): a command finding them all busy waits up to
    # ``pool_wait_seconds`` for one instead of opening more (Redis accepts 10000 clients by default).
    max_connections: int = 256
    pool_wait_seconds: float = 5.0

    @property
    def enabled(self) -> bool:
        return bool(self.url)


class LoggingSettings(BaseModel):
    format: Literal["text", "json"] = "text"  # json: one object a line, for a log collector


class ChannelsSettings(BaseModel):
    rate_limit: RateLimitSettings = RateLimitSettings()
    widget: WidgetSettings = WidgetSettings()
    telegram: TelegramSettings = TelegramSettings()
    zalo: ZaloSettings = ZaloSettings()


class Settings(BaseSettings):
    """Everything the service needs to start; paths are relative to ``root``."""

    model_config = SettingsConfigDict(env_prefix="DVCBOT_", env_nested_delimiter="__", extra="ignore")

    root: Path = PROJECT_ROOT
    environment: Literal["development", "production"] = "development"
    language: str = "vi"
    pipeline: list[dict[str, Any]] = Field(default_factory=list)
    policies: PoliciesSettings = PoliciesSettings()
    session: SessionSettings = SessionSettings()
    stores: StoresSettings = StoresSettings()
    model: ModelSettings = ModelSettings()
    nlu_data: list[str] = Field(default_factory=lambda: ["nlu/data/nlu.yml"])
    other_procedures: list[str] = Field(default_factory=list)  # real procedures not held (open-set negatives)
    procedure_questions: list[str] = Field(default_factory=list)  # citizens' messages per procedure (glob patterns)
    other_procedure_questions: list[str] = Field(default_factory=list)  # … about procedures not held (glob patterns)
    domain: str = "bot/data/domain.yml"
    rules: str = "bot/data/rules.yml"
    catalogue_data: str = "knowledge/data"
    server: ServerSettings = ServerSettings()
    action_server: ActionServerSettings = ActionServerSettings()
    support: SupportSettings = SupportSettings()
    channels: ChannelsSettings = ChannelsSettings()
    dossier: DossierSettings = DossierSettings()
    telephony: TelephonySettings = TelephonySettings()
    console: ConsoleSettings = ConsoleSettings()  # call-centre staff, agent assist, handoff inbox
    redis: RedisSettings = RedisSettings()
    logging: LoggingSettings = LoggingSettings()

    @property
    def introspection(self) -> bool:
        """Whether the API description and listings (``server.introspection``) are served."""
        configured = self.server.introspection
        return configured if configured is not None else self.environment != "production"

    @model_validator(mode="after")
    def _no_placeholder_secrets_in_production(self) -> Settings:
        """In production every secret an enabled part relies on must be set, and not to a
        placeholder: a forged Telegram update or a guessable one-stop API key is a breach."""
        if self.environment != "production":
            return self
        required: dict[str, str] = {"dossier.service.api_key": self.dossier.service.api_key}
        if self.dossier.client.base_url:
            required["dossier.client.api_key"] = self.dossier.client.api_key
        if self.channels.telegram.enabled:
            required["channels.telegram.webhook_secret"] = self.channels.telegram.webhook_secret
        if self.channels.zalo.enabled:
            # The OA secret key signs the webhook events: a short one makes them forgeable.
            required["channels.zalo.oa_secret_key"] = self.channels.zalo.oa_secret_key
            if self.channels.zalo.refresh_token:
                required["channels.zalo.app_secret_key"] = self.channels.zalo.app_secret_key
        if self.action_server.enabled:
            required["action_server.token"] = self.action_server.token
        weak = [name for name, value in required.items() if _is_placeholder(value)]
        if weak:
            raise ValueError(
                "production settings need real secrets (set them in the environment): " + ", ".join(weak)
            )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment beats explicit init values (the parsed config.yml), as an operator expects.
        return env_settings, init_settings

    def path(self, relative: str | Path) -> Path:
        """Resolve a configured path against the project root."""
        candidate = Path(relative)
        return candidate if candidate.is_absolute() else self.root / candidate


_PLACEHOLDERS = {
    "changeme", "change-me", "change_me", "token", "secret", "password", "test", "xxx", "todo", "none",
    "null", "placeholder",
}


def looks_like_placeholder(value: str) -> bool:
    """``changeme``, ``<your token>``, ``xxxx``: a value someone forgot to replace."""
    lowered = value.strip().lower()
    return bool(lowered) and (
        lowered in _PLACEHOLDERS or lowered.startswith(("<", "your")) or set(lowered) <= {"x", "*", "."}
    )


def _is_placeholder(value: str) -> bool:
    """Missing, a placeholder, or too short to be a secret (production check)."""
    return not value.strip() or looks_like_placeholder(value) or len(value.strip()) < 12


def _resolve_sqlite(url: str, root: Path) -> str:
    """Make ``sqlite:///relative.db`` relative to the project root, not the working directory."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        return prefix + str(root / url[len(prefix):])
    return url


def load_settings(config_path: str | Path | None = None, **overrides: Any) -> Settings:
    """Read ``config.yml`` (or ``config_path``), apply environment variables, then ``overrides``."""
    path = Path(config_path) if config_path else PROJECT_ROOT / "config.yml"
    raw: dict[str, Any] = {}
    if path.exists():
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        raw.setdefault("root", path.resolve().parent)
    raw.update(overrides)
    settings = Settings(**raw)
    database_url = os.environ.get("DATABASE_URL")
    stores = settings.stores.model_copy(
        update={"tracker_url": database_url, "catalogue_url": database_url} if database_url else {}
    )
    stores = stores.model_copy(
        update={
            "tracker_url": _resolve_sqlite(stores.tracker_url, settings.root),
            "catalogue_url": _resolve_sqlite(stores.catalogue_url, settings.root),
        }
    )
    redis_url = os.environ.get("REDIS_URL")
    if redis_url and not os.environ.get("DVCBOT_REDIS__URL"):
        settings = settings.model_copy(update={"redis": settings.redis.model_copy(update={"url": redis_url})})
    return settings.model_copy(update={"stores": stores})
