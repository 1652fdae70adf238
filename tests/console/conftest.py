"""Console fixtures: an assistant whose call centre is always open, staff accounts, logged-in clients."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.service import Service, build_service, make_engine
from bot.settings import Settings
from console.settings import ConsoleSettings, HandoffSettings, WorkingHours
from console.staff import Role, StaffStore

PASSWORD = "mat-khau-du-dai-2026"
ALWAYS_OPEN = WorkingHours(weekdays=[1, 2, 3, 4, 5, 6, 7], opens="00:00", closes="24:00")


def with_console(settings: Settings, **handoff: object) -> Settings:
    console = ConsoleSettings(handoff=HandoffSettings(hours=ALWAYS_OPEN, **handoff))  # type: ignore[arg-type]
    return settings.model_copy(update={"console": console})


@pytest.fixture(scope="session")
def open_settings(settings: Settings) -> Settings:
    return with_console(settings)


@pytest.fixture(scope="session")
def open_service(open_settings: Settings) -> Service:
    """The same assistant (cached model, same databases), with staff on duty around the clock."""
    return build_service(open_settings)


@pytest.fixture(scope="session")
def staff_store(open_settings: Settings) -> StaffStore:
    return StaffStore(make_engine(open_settings.stores.tracker_url), open_settings.console.staff)


def new_staff(store: StaffStore, role: Role = Role.AGENT) -> str:
    name = f"cb-{uuid.uuid4().hex[:8]}"
    store.add(name, role, PASSWORD)
    return name


def log_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Log ``client`` in through the form; returns the session's CSRF token from the page."""
    form = client.get("/console/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, form.text
    response = client.post(
        "/console/login",
        data={"csrf_token": token.group(1), "name": name, "password": password},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get("/console")
    assert page.status_code == 200
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert csrf
    return csrf.group(1)


@pytest.fixture(scope="module")
def open_app_client(open_settings: Settings, open_service: Service) -> Iterator[TestClient]:
    with TestClient(create_app(open_settings, open_service)) as client:
        yield client
