"""Secrets of REST conversations, issued on a conversation's first turn and kept as SHA-256 digests.

A REST client picks its own sender id, so the id alone proves nothing: whoever knows or guesses it
("user1", a phone number) could read that conversation's pending dossier alerts. The client that
starts a conversation gets a random secret back once (``X-Dvcbot-Sender-Secret``); the database
holds only its digest, so a leaked table gives no secret away. The first claim wins atomically (the
sender id is the primary key), across every process sharing the database. Schema: revision 0005.

A digest, once stored, never changes (nothing updates or deletes these rows), so each process keeps
the digests it has read or written (up to ``cache_size`` conversations, the least recently used
dropped first): a later turn of the conversation is verified in memory, without a database read
(``verify_in_memory``, which the REST channel asks first, on the event loop).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from sqlalchemy import Engine, Float, String, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.direct_sql import DirectStatement, direct
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
_INSERT = insert(_SECRETS).values(
    sender_id=bindparam("b_sender"), secret_hash=bindparam("b_hash"), created_at=bindparam("b_now")
)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


class SqlSenderSecretStore:
    def __init__(
        self,
        engine: Engine,
        clock: Callable[[], float] = time.time,
        *,
        read_engine: Engine | None = None,  # reads only (PostgreSQL: autocommit, bot.service.make_read_engine)
        cache_size: int = 50_000,
    ) -> None:
        self._engine = engine
        self._reads = read_engine or engine
        self._clock = clock
        self._cache_size = cache_size
        self._known: OrderedDict[str, str] = OrderedDict()  # sender id → stored digest
        self._known_lock = threading.Lock()  # the stores are called from worker threads
        upgrade_schema(engine)
        # a conversation's first turn runs both: on the driver directly (bot.direct_sql)
        self._stored_hash = DirectStatement(_STORED_HASH, self._reads)
        self._insert = DirectStatement(_INSERT, engine)

    def issue(self, sender_id: str) -> str | None:
        if self._cached(sender_id) is not None or self._stored(sender_id) is not None:
            return None
        secret = secrets.token_urlsafe(32)
        digest = _digest(secret)
        try:
            with direct(self._engine, write=True) as connection:
                connection.execute(
                    self._insert, {"b_sender": sender_id, "b_hash": digest, "b_now": self._clock()}
                ).close()
        except IntegrityError:  # another request claimed it first
            return None
        self._remember(sender_id, digest)
        return secret

    def verify(self, sender_id: str, secret: str) -> bool:
        known = self.verify_in_memory(sender_id, secret)
        if known is not None:
            return known
        stored = self._stored(sender_id)
        return hmac.compare_digest(_digest(secret), stored or _NO_SECRET) and stored is not None

    def verify_in_memory(self, sender_id: str, secret: str) -> bool | None:
        """``verify`` from this process's memory, or ``None`` when the digest must be read first."""
        stored = self._cached(sender_id)
        if stored is None:
            return None
        return hmac.compare_digest(_digest(secret), stored)

    def _stored(self, sender_id: str) -> str | None:
        with direct(self._reads) as connection:
            row = connection.first(self._stored_hash, {"b_sender": sender_id})
        stored: str | None = row[0] if row is not None else None
        if stored is not None:
            self._remember(sender_id, stored)
        return stored

    def _cached(self, sender_id: str) -> str | None:
        with self._known_lock:
            stored = self._known.get(sender_id)
            if stored is not None:
                self._known.move_to_end(sender_id)
            return stored

    def _remember(self, sender_id: str, digest: str) -> None:
        with self._known_lock:
            self._known[sender_id] = digest
            self._known.move_to_end(sender_id)
            while len(self._known) > self._cache_size:
                self._known.popitem(last=False)
