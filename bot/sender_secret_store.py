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

from sqlalchemy import Engine, Float, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

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


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


class SqlSenderSecretStore:
    def __init__(self, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._clock = clock
        upgrade_schema(engine)

    def issue(self, sender_id: str) -> str | None:
        with Session(self._engine) as session:
            if session.get(SenderSecretRow, sender_id) is not None:
                return None
        secret = secrets.token_urlsafe(32)
        try:
            with Session(self._engine) as session, session.begin():
                session.add(SenderSecretRow(sender_id=sender_id, secret_hash=_digest(secret), created_at=self._clock()))
        except IntegrityError:  # another request claimed it first
            return None
        return secret

    def verify(self, sender_id: str, secret: str) -> bool:
        with Session(self._engine) as session:
            stored = session.scalar(select(SenderSecretRow.secret_hash).where(SenderSecretRow.sender_id == sender_id))
        return hmac.compare_digest(_digest(secret), stored or _NO_SECRET) and stored is not None
