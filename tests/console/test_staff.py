"""Staff accounts: argon2id hashes, lock-out after repeated failures, expiring sessions, ``dvcbot staff add``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.service import make_engine
from bot.settings import Settings
from console.settings import StaffSettings
from console.staff import LoginResult, Role, StaffStore
from console.tables import StaffRow

PASSWORD = "mot-mat-khau-dai-2026"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def store(tmp_path: Path, clock: Clock) -> StaffStore:
    config = StaffSettings(
        session_idle_minutes=30, session_max_hours=12, max_failed_logins=5, lockout_minutes=15
    )
    return StaffStore(make_engine(f"sqlite:///{tmp_path / 'staff.db'}"), config, clock=clock)


def test_the_password_is_stored_as_an_argon2id_hash(store: StaffStore, tmp_path: Path) -> None:
    store.add("lan", Role.AGENT, PASSWORD)
    with Session(make_engine(f"sqlite:///{tmp_path / 'staff.db'}")) as session:
        stored = session.scalar(select(StaffRow.password_hash).where(StaffRow.name == "lan"))
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    with pytest.raises(ValueError):
        store.add("lan", Role.AGENT, PASSWORD)  # the name is taken
    with pytest.raises(ValueError):
        store.add("minh", Role.AGENT, "ngan")  # too short


def test_login_gives_a_session_with_its_own_csrf_token(store: StaffStore) -> None:
    store.add("lan", Role.SUPERVISOR, PASSWORD)
    result, session = store.login("lan", PASSWORD)
    assert result == LoginResult.OK and session is not None
    assert session.staff.role == Role.SUPERVISOR and session.csrf_token != session.token
    again = store.session(session.token)
    assert again is not None and again.staff.name == "lan"
    assert store.login("lan", "sai-mat-khau-roi")[0] == LoginResult.WRONG
    assert store.login("nobody", PASSWORD)[0] == LoginResult.WRONG  # same answer as a wrong password


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(
    store: StaffStore, clock: Clock
) -> None:
    store.add("lan", Role.AGENT, PASSWORD)
    results = [store.login("lan", f"sai-{i}-mat-khau")[0] for i in range(5)]
    assert results == [LoginResult.WRONG] * 4 + [LoginResult.LOCKED]
    assert store.login("lan", PASSWORD) == (LoginResult.LOCKED, None)
    clock.now += 15 * 60 + 1
    result, session = store.login("lan", PASSWORD)
    assert result == LoginResult.OK and session is not None
    # The count starts again after a success.
    assert store.login("lan", "sai-lan-nua")[0] == LoginResult.WRONG


def test_sessions_expire_when_idle_and_after_their_maximum_age(store: StaffStore, clock: Clock) -> None:
    store.add("lan", Role.AGENT, PASSWORD)
    _, session = store.login("lan", PASSWORD)
    assert session is not None
    clock.now += 29 * 60
    assert store.session(session.token) is not None  # used: the idle clock restarts
    clock.now += 31 * 60
    assert store.session(session.token) is None
    _, session = store.login("lan", PASSWORD)
    assert session is not None
    for _ in range(25):  # used every 29 minutes for over 12 hours
        clock.now += 29 * 60
        alive = store.session(session.token)
    assert alive is None
    _, other = store.login("lan", PASSWORD)
    assert other is not None
    store.logout(other.token)
    assert store.session(other.token) is None


def test_staff_add_reads_the_password_from_the_environment_or_stdin(
    tmp_path: Path, settings: Settings
) -> None:
    database = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {
        "DVCBOT_STORES__TRACKER_URL": database,
        "DVCBOT_STORES__CATALOGUE_URL": database,
        "DVCBOT_STAFF_PASSWORD": PASSWORD,
        "PATH": "/usr/bin:/bin",
    }
    command = [sys.executable, "-m", "bot.cli", "staff", "add", "lan", "--role", "supervisor"]
    done = subprocess.run(
        command, check=False, env=env, capture_output=True, text=True, timeout=120, cwd=settings.root
    )
    assert done.returncode == 0, done.stderr
    assert "role supervisor" in done.stdout and PASSWORD not in done.stdout + done.stderr
    env.pop("DVCBOT_STAFF_PASSWORD")
    piped = subprocess.run(
        [*command[:-3], "minh", "--role", "agent", "--password-stdin"],
        check=False,
        env=env,
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.root,
    )
    assert piped.returncode == 0, piped.stderr
    store = StaffStore(make_engine(database), StaffSettings())
    assert store.login("minh", PASSWORD)[0] == LoginResult.OK
    assert store.login("lan", PASSWORD)[0] == LoginResult.OK
    wrong_role = subprocess.run(
        [*command[:-1], "boss"],
        check=False,
        env=env,
        input=PASSWORD,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.root,
    )
    assert wrong_role.returncode == 2 and "invalid choice" in wrong_role.stderr
