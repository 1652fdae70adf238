"""Staff accounts and their sessions: argon2id password hashes, roles, lock-out, expiring sessions.

A session is a random cookie value; only its SHA-256 is stored, so a copy of the database opens no
session. Each session carries its own CSRF token, which every state-changing request must send
back in a header. After ``max_failed_logins`` wrong passwords an account is locked for
``lockout_minutes`` (doubled by each further failure, up to a day), even for the right password;
an unknown name costs the same hashing time as a known one, so timing tells no names apart.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from console.settings import StaffSettings
from console.tables import StaffRow, StaffSessionRow
from knowledge.migrations import upgrade_schema

__all__ = ["LoginResult", "Role", "StaffMember", "StaffSession", "StaffStore"]

MAX_LOCKOUT_SECONDS = 24 * 3600.0
MIN_PASSWORD_CHARS = 10


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    def at_least(self, other: Role) -> bool:
        order = [Role.AGENT, Role.SUPERVISOR, Role.ADMIN]
        return order.index(self) >= order.index(other)


@dataclass(frozen=True, slots=True)
class StaffMember:
    id: int
    name: str
    role: Role


@dataclass(frozen=True, slots=True)
class StaffSession:
    token: str  # the cookie value; never stored
    csrf_token: str
    staff: StaffMember


class LoginResult(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # unknown name or wrong password: the same answer
    LOCKED = "locked"


class StaffStore:
    def __init__(
        self,
        engine: Engine,
        config: StaffSettings,
        *,
        clock: Callable[[], float] = time.time,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self._engine = engine
        self._config = config
        self._clock = clock
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        upgrade_schema(engine)

    # Accounts ---------------------------------------------------------------------------------
    def add(self, name: str, role: Role, password: str) -> StaffMember:
        """Create an account (``ValueError`` for a taken name or a short password)."""
        name = name.strip()
        if not name or len(name) > 64:
            raise ValueError("a staff name has 1 to 64 characters")
        if len(password) < MIN_PASSWORD_CHARS:
            raise ValueError(f"the password needs at least {MIN_PASSWORD_CHARS} characters")
        with Session(self._engine) as session, session.begin():
            if session.scalar(select(StaffRow.id).where(StaffRow.name == name)) is not None:
                raise ValueError(f"staff {name!r} exists already")
            row = StaffRow(
                name=name,
                role=role.value,
                password_hash=self._hasher.hash(password),
                failed_logins=0,
                locked_until=0.0,
                created_at=self._clock(),
            )
            session.add(row)
            session.flush()
            return StaffMember(row.id, row.name, Role(row.role))

    def get(self, staff_id: int) -> StaffMember | None:
        with Session(self._engine) as session:
            row = session.get(StaffRow, staff_id)
            return StaffMember(row.id, row.name, Role(row.role)) if row else None

    def names(self) -> dict[int, str]:
        with Session(self._engine) as session:
            return {int(i): str(n) for i, n in session.execute(select(StaffRow.id, StaffRow.name))}

    # Login --------------------------------------------------------------------------------------
    def login(self, name: str, password: str) -> tuple[LoginResult, StaffSession | None]:
        now = self._clock()
        with Session(self._engine) as session, session.begin():
            row = session.scalar(select(StaffRow).where(StaffRow.name == name.strip()).with_for_update())
            if row is None:
                self._check(self._dummy_hash, password)  # same work as for a real account
                return LoginResult.WRONG, None
            if row.locked_until > now:
                self._check(self._dummy_hash, password)
                return LoginResult.LOCKED, None
            if not self._check(row.password_hash, password):
                row.failed_logins += 1
                over = row.failed_logins - self._config.max_failed_logins
                if over >= 0:
                    seconds = min(self._config.lockout_minutes * 60 * 2**over, MAX_LOCKOUT_SECONDS)
                    row.locked_until = now + seconds
                    return LoginResult.LOCKED, None
                return LoginResult.WRONG, None
            row.failed_logins = 0
            row.locked_until = 0.0
            if self._hasher.check_needs_rehash(row.password_hash):
                row.password_hash = self._hasher.hash(password)
            token = secrets.token_urlsafe(32)
            csrf = secrets.token_urlsafe(32)
            session.add(
                StaffSessionRow(
                    token_hash=_digest(token),
                    staff_id=row.id,
                    csrf_token=csrf,
                    created_at=now,
                    last_seen_at=now,
                )
            )
            return LoginResult.OK, StaffSession(token, csrf, StaffMember(row.id, row.name, Role(row.role)))

    def _check(self, stored: str, password: str) -> bool:
        try:
            return bool(self._hasher.verify(stored, password))
        except (VerificationError, InvalidHashError):
            return False

    # Sessions -----------------------------------------------------------------------------------
    def session(self, token: str | None) -> StaffSession | None:
        """The live session of this cookie value, its idle clock restarted; ``None`` when expired."""
        if not token or len(token) > 200:
            return None
        now = self._clock()
        with Session(self._engine) as session, session.begin():
            row = session.get(StaffSessionRow, _digest(token))
            if row is None:
                return None
            idle = now - row.last_seen_at > self._config.session_idle_minutes * 60
            old = now - row.created_at > self._config.session_max_hours * 3600
            staff = session.get(StaffRow, row.staff_id)
            if idle or old or staff is None:
                session.delete(row)
                return None
            row.last_seen_at = now
            return StaffSession(token, row.csrf_token, StaffMember(staff.id, staff.name, Role(staff.role)))

    def logout(self, token: str) -> None:
        with Session(self._engine) as session, session.begin():
            session.execute(delete(StaffSessionRow).where(StaffSessionRow.token_hash == _digest(token)))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
