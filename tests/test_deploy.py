"""deploy/: the example several-machine configuration refers to commands, settings and paths that exist."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from bot.cli import _parser
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yml").read_text(encoding="utf-8"))
    return data


def setting_exists(name: str) -> bool:
    """``DVCBOT_STORES__TRACKER_URL`` → Settings.stores.tracker_url."""
    model: type[BaseModel] | None = Settings
    for part in name.removeprefix("DVCBOT_").lower().split("__"):
        if model is None or part not in model.model_fields:
            return False
        annotation = model.model_fields[part].annotation
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    return True


def test_every_dvcbot_command_parses() -> None:
    commands = [s["command"] for s in compose()["services"].values() if s.get("command", [""])[0] == "dvcbot"]
    assert ["dvcbot", "db", "upgrade"] in commands and any("--workers" in c for c in commands)
    for command in commands:
        _parser().parse_args(command[1:])  # exits on an unknown command or option


def test_every_dvcbot_setting_exists() -> None:
    names = set(compose()["x-dvcbot-environment"])
    assert {"DVCBOT_STORES__TRACKER_URL", "DVCBOT_REDIS__URL"} <= names
    assert [n for n in names if not setting_exists(n)] == []


def test_replicas_share_postgres_and_redis_and_need_no_secret_in_the_file() -> None:
    env = compose()["x-dvcbot-environment"]
    assert env["DVCBOT_STORES__TRACKER_URL"].startswith("postgresql+psycopg://")
    assert env["DVCBOT_REDIS__URL"].startswith("redis://")
    for value in env.values():
        for secret in re.findall(r"://[^:]+:([^@]+)@", str(value)):
            assert secret.startswith("${"), "a password written into the file"


def test_health_checks_and_balancer_point_at_the_service() -> None:
    services = compose()["services"]
    replica = services["dvcbot"]
    port = replica["command"][replica["command"].index("--port") + 1]
    assert "/health" in " ".join(replica["healthcheck"]["test"])
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert f"server dvcbot:{port}" in nginx
    assert replica["build"]["context"] == ".." and (ROOT / replica["build"]["dockerfile"]).exists()
    from bot.api.operations import operations_router

    paths = {route.path for route in operations_router().routes}  # type: ignore[attr-defined]
    assert {"/ready", "/metrics"} <= paths and "location = /metrics" in nginx
