"""A second assistant, on its own temporary database, with the portal records of ``fixtures/portal`` imported."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.service import Service, build_service, load_catalogue
from bot.settings import Settings, load_settings
from knowledge.importers.phrases import listed_names
from knowledge.importers.run import ImportReport, import_path
from nlu.other_procedures import load_other_procedures

# Portal records shipped with the tests (see its README), so that every clone runs them.
PORTAL_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "portal"
FIRST_IMPORT_DAY = dt.date(2026, 11, 15)
FIXTURE_RECORDS = len(list(PORTAL_FIXTURES.rglob("*.json")))
# The full national-portal sample beside the checkout, for the extra tests in test_portal_sample.py.
SHARED_SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "data" / "national-portal-sample"


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return PORTAL_FIXTURES


@pytest.fixture(scope="session")
def imported_settings(tmp_path_factory: pytest.TempPathFactory, workdir: Path) -> Settings:
    database = f"sqlite:///{tmp_path_factory.mktemp('imported') / 'dvcbot.db'}"
    return load_settings(
        stores={"tracker_url": database, "catalogue_url": database},
        model={"dir": str(workdir / "models")},
    )


def listed_others(settings: Settings) -> list[tuple[str, tuple[str, ...]]]:
    """(name, aliases) of the procedures the project lists as not held, as ``dvcbot catalogue import`` passes them."""
    others = load_other_procedures([settings.path(p) for p in settings.other_procedures])
    return listed_names(others)


@pytest.fixture(scope="session")
def first_import(imported_settings: Settings, sample_dir: Path) -> ImportReport:
    # On a fixed day, so that a later day in test_import does not cross a date a record's fee expires on
    # ("áp dụng ... đến hết ngày 31/12/2026": dropped when imported after it, as it should be).
    return import_path(
        catalogue=load_catalogue(imported_settings), path=sample_dir, others=listed_others(imported_settings),
        checked_on=FIRST_IMPORT_DAY,
    )


@pytest.fixture(scope="session")
def imported_service(imported_settings: Settings, first_import: ImportReport) -> Service:
    """Started after the import, as `dvcbot run` after `dvcbot catalogue import`: retrains."""
    return build_service(imported_settings)


@pytest.fixture(scope="session")
def imported_client(imported_settings: Settings, imported_service: Service) -> Iterator[TestClient]:
    with TestClient(create_app(imported_settings, imported_service)) as test_client:
        yield test_client
