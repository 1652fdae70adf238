"""Secrets of REST conversations, issued on a conversation's first turn and kept as SHA-256 digests.

A REST client picks its own sender id, so the id alone proves nothing: whoever knows or guesses it
("user1", a phone number) could read that conversation's pending dossier alerts. The client that
starts a conversation gets a random secret back once (``X-Dvcbot-Sender-Secret``); the database
holds only its digest, so a leaked table gives no secret away. The first claim wins atomically (the
sender id is the primary key), across every process sharing the database. Schema: revision 0005.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable

from sqlalchemy import Engine, Float, String, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from knowledge.migrations import upgrade_schema

__all__ = ["SenderSecretRow", "SqlSenderSecretStore"]

_NO_SECRET = hashlib.sha256(b"no secret issued").hexdigest()  # compared against, so timing says nothing


class _Base(DeclarativeBase):
    pass


class SenderSecretRow(_Base):
    __tablename__ = "rest_sender_secrets"

    sender_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[float] = mapped_column(Float)


_SECRETS = SenderSecretRow.__table__
# Asked on every REST turn: Core statements built once, no ORM session.
_STORED_HASH = select(_SECRETS.c.secret_hash).where(_SECRETS.c.sender_id == bindparam("b_sender"))
_INSERT = insert(_SECRETS)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


class SqlSenderSecretStore:
    def __init__(self, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._clock = clock
        upgrade_schema(engine)

    def issue(self, sender_id: str) -> str | None:
        with self._engine.connect() as connection:
            if connection.execute(_STORED_HASH, {"b_sender": sender_id}).first() is not None:
                return None
        secret = secrets.token_urlsafe(32)
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    _INSERT,
                    {"sender_id": sender_id, "secret_hash": _digest(secret), "created_at": self._clock()},
                )
        except IntegrityError:  # another request claimed it first
            return None
        return secret

    def verify(self, sender_id: str, secret: str) -> bool:
        with self._engine.connect() as connection:
            stored = connection.execute(_STORED_HASH, {"b_sender": sender_id}).scalar()
        return hmac.compare_digest(_digest(secret), stored or _NO_SECRET) and stored is not None
