"""Channel fixtures: fake platform APIs on 127.0.0.1 and apps configured to talk to them."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.service import Service
from bot.settings import ChannelsSettings, RateLimitSettings, Settings, TelegramSettings, ZaloSettings
from channels.zalo import sign
from tests.channels.fakes import FakeTelegram, FakeZalo
from tests.servers import ServerThread

PAYLOADS = Path(__file__).parent / "payloads"
TELEGRAM_TOKEN = "7000000001:AAH-test-token-for-the-fake-api"
TELEGRAM_SECRET = "s3cret-Header_Token-0123456789"
ZALO_APP_ID = "3482178216594085616"
ZALO_OA_SECRET = "oa-secret-key-for-tests"


def payload(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / name).read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def new_chat_id() -> int:
    return random.randint(10**9, 2 * 10**9)


def new_zalo_user() -> str:
    return str(random.randint(10**15, 10**16 - 1))


def with_channels(settings: Settings, **sections: Any) -> Settings:
    """``settings`` with channel sections replaced (unspecified ones keep their defaults)."""
    channels = ChannelsSettings(**sections)
    return settings.model_copy(update={"channels": channels})


def zalo_settings(base_url: str, **overrides: Any) -> ZaloSettings:
    values: dict[str, Any] = {
        "app_id": ZALO_APP_ID,
        "oa_secret_key": ZALO_OA_SECRET,
        "app_secret_key": "app-secret",
        "access_token": "token-1",
        "refresh_token": "refresh-1",
        "api_base_url": base_url,
        "oauth_url": f"{base_url}/v4/oa/access_token",
        "retry_base_seconds": 0.01,
    }
    values.update(overrides)
    return ZaloSettings(**values)


def signed(event: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """The raw body and headers Zalo would send for ``event``."""
    raw = json.dumps(event, ensure_ascii=False).encode("utf-8")
    mac = sign(app_id=ZALO_APP_ID, raw_body=raw, timestamp=str(event["timestamp"]), oa_secret_key=ZALO_OA_SECRET)
    return raw, {"X-ZEvent-Signature": mac, "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def fake_telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram(TELEGRAM_TOKEN)
    with ServerThread(fake.app) as server:
        fake.base_url = f"{server.url}/bot"  # type: ignore[attr-defined]
        yield fake


@pytest.fixture(scope="module")
def telegram_client(settings: Settings, service: Service, fake_telegram: FakeTelegram) -> Iterator[TestClient]:
    configured = with_channels(
        settings,
        telegram=TelegramSettings(
            token=TELEGRAM_TOKEN, webhook_secret=TELEGRAM_SECRET,
            base_url=fake_telegram.base_url,  # type: ignore[attr-defined]
        ),
        rate_limit=RateLimitSettings(messages_per_minute=20, burst=5),
    )
    with TestClient(create_app(configured, service)) as client:
        yield client


@pytest.fixture(scope="module")
def fake_zalo() -> Iterator[FakeZalo]:
    fake = FakeZalo()
    with ServerThread(fake.app) as server:
        fake.base_url = server.url  # type: ignore[attr-defined]
        yield fake


@pytest.fixture()
def zalo_client(settings: Settings, service: Service, fake_zalo: FakeZalo) -> Iterator[TestClient]:
    """A fresh app per test: token state, seen message ids and offered choices start empty."""
    fake_zalo.valid_tokens = {"token-1"}
    fake_zalo.refresh_tokens = {"refresh-1": ("token-2", "refresh-2")}
    fake_zalo.script.clear()
    fake_zalo.delay_seconds = 0.0
    configured = with_channels(
        settings,
        zalo=zalo_settings(fake_zalo.base_url),  # type: ignore[attr-defined]
        rate_limit=RateLimitSettings(messages_per_minute=20, burst=5),
    )
    with TestClient(create_app(configured, service)) as client:
        yield client
