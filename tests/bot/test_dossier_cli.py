"""``dvcbot dossier-service``: the reference one-stop service on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main


def test_dossier_service_runs_alone(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import uvicorn
    from fastapi.testclient import TestClient

    served: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(app=app, **options))
    monkeypatch.setenv("DVCBOT_DOSSIER__SERVICE__API_KEY", "cli-key")
    monkeypatch.setenv("DVCBOT_DOSSIER__SERVICE__DATABASE_URL", f"sqlite:///{tmp_path / 'one-stop.db'}")
    assert main(["dossier-service", "--port", "5099"]) == 0
    assert served["port"] == 5099 and served["host"] == "127.0.0.1"
    with TestClient(served["app"]) as http:  # type: ignore[arg-type]
        assert http.get("/health").json() == {"status": "ok", "dossiers": 7}
        found = http.get("/api/dossiers/000.00.15.H29-240312-0042", headers={"X-API-Key": "cli-key"})
        assert found.json()["trangThai"] == "DANG_XU_LY"
