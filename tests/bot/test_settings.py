import pytest
from pydantic import ValidationError

from bot.settings import load_settings


def test_development_runs_without_secrets() -> None:
    assert load_settings().environment == "development"


def test_production_refuses_placeholder_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DVCBOT_ENVIRONMENT", "production")
    monkeypatch.setenv("DVCBOT_CHANNELS__TELEGRAM__TOKEN", "123:abc")
    monkeypatch.setenv("DVCBOT_CHANNELS__TELEGRAM__WEBHOOK_SECRET", "changeme")
    with pytest.raises(ValidationError, match="channels.telegram.webhook_secret") as error:
        load_settings()
    assert "dossier.service.api_key" in str(error.value)


def test_production_accepts_real_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DVCBOT_ENVIRONMENT", "production")
    monkeypatch.setenv("DVCBOT_DOSSIER__SERVICE__API_KEY", "k3Jq9vX2mT7pL4sW")
    assert load_settings().environment == "production"


def test_environment_overrides_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DVCBOT_STORES__TRACKER_URL", "sqlite:////tmp/elsewhere.db")
    assert load_settings().stores.tracker_url == "sqlite:////tmp/elsewhere.db"
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@db/dvcbot")
    settings = load_settings()
    assert settings.stores.tracker_url == settings.stores.catalogue_url == "postgresql+psycopg://u@db/dvcbot"


def test_the_action_server_token_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not load_settings().action_server.enabled  # off by default
    monkeypatch.setenv("DVCBOT_ACTION_SERVER__TOKEN", "q8Zr2LmV5tX1nB7c")
    assert load_settings().action_server.token == "q8Zr2LmV5tX1nB7c"


def test_production_refuses_a_short_action_server_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DVCBOT_ENVIRONMENT", "production")
    monkeypatch.setenv("DVCBOT_DOSSIER__SERVICE__API_KEY", "k3Jq9vX2mT7pL4sW")
    monkeypatch.setenv("DVCBOT_ACTION_SERVER__TOKEN", "abc")
    with pytest.raises(ValidationError, match="action_server.token"):
        load_settings()


def test_production_refuses_a_short_zalo_oa_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The OA secret key signs Zalo's events; the check used to look at the app secret instead."""
    monkeypatch.setenv("DVCBOT_ENVIRONMENT", "production")
    monkeypatch.setenv("DVCBOT_DOSSIER__SERVICE__API_KEY", "k3Jq9vX2mT7pL4sW")
    monkeypatch.setenv("DVCBOT_CHANNELS__ZALO__APP_ID", "3482178216594085616")
    monkeypatch.setenv("DVCBOT_CHANNELS__ZALO__APP_SECRET_KEY", "Vb8rT2kLq9sXz4Pm")
    monkeypatch.setenv("DVCBOT_CHANNELS__ZALO__OA_SECRET_KEY", "abc")
    with pytest.raises(ValidationError, match="channels.zalo.oa_secret_key"):
        load_settings()
    monkeypatch.setenv("DVCBOT_CHANNELS__ZALO__OA_SECRET_KEY", "Qm7sK2vX9pLr4tWz")
    assert load_settings().channels.zalo.enabled
