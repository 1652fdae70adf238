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
