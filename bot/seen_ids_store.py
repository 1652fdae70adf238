"""Message ids the webhooks have handled, kept in the conversation database (``channels.dedupe.SeenIds``).

An in-memory memory of ids is empty after every restart, so a signed Zalo event captured once could
be replayed after the next deploy and answered again (and every process of ``--workers N`` had its
own). Here an id is claimed by inserting its row (the id is the primary key): the first claim wins
atomically across every process sharing the database; a later one finds the row and is a duplicate
until the row expires. Expired rows are reclaimed in place and swept now and then. Schema: revision
0006. With Redis configured the claims live there instead (``RedisSeenIds``): no database write per
webhook call.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from redis.exceptions import RedisError
from sqlalchemy import Engine, Float, String, delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from bot.coordination.errors import CoordinationUnavailable
from knowledge.migrations import upgrade_schema

__all__ = ["RedisSeenIds", "SeenIdRow", "SqlSeenIds"]

MAX_KEY_CHARS = 255
_SWEEP_EVERY = 500  # claims between two deletions of expired rows


class _Base(DeclarativeBase):
    pass


class SeenIdRow(_Base):
    __tablename__ = "channel_seen_ids"

    key: Mapped[str] = mapped_column(String(MAX_KEY_CHARS), primary_key=True)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class SqlSeenIds:
    def __init__(self, engine: Engine, *, ttl_seconds: float, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._ttl = ttl_seconds
        self._clock = clock
        self._claims = 0
        upgrade_schema(engine)

    def first_time(self, message_id: str) -> bool:
        key = message_id[:MAX_KEY_CHARS]
        now = self._clock()
        self._sweep(now)
        try:
            with Session(self._engine) as session, session.begin():
                session.add(SeenIdRow(key=key, expires_at=now + self._ttl))
            return True
        except IntegrityError:
            pass
        # Seen before: new again only if that memory has expired, and only for one claimant.
        with Session(self._engine) as session, session.begin():
            reclaimed = session.execute(
                update(SeenIdRow)
                .where(SeenIdRow.key == key, SeenIdRow.expires_at <= now)
                .values(expires_at=now + self._ttl)
            )
            return bool(reclaimed.rowcount)  # type: ignore[attr-defined]

    def forget(self, message_id: str) -> None:
        with Session(self._engine) as session, session.begin():
            session.execute(delete(SeenIdRow).where(SeenIdRow.key == message_id[:MAX_KEY_CHARS]))

    def _sweep(self, now: float) -> None:
        self._claims += 1
        if self._claims % _SWEEP_EVERY:
            return
        with Session(self._engine) as session, session.begin():
            session.execute(delete(SeenIdRow).where(SeenIdRow.expires_at <= now))


class RedisSeenIds:
    """The same claims in Redis (``SET key 1 NX PX ttl``): atomic across workers, expiring by themselves.

    Used when Redis is configured, so a resent Zalo event or Telegram update reaching another worker
    is still recognised. While Redis is unreachable, ``first_time`` raises ``CoordinationUnavailable``
    and the webhook answers 503: the platform retries later, rather than the bot answering twice.
    """

    def __init__(self, client: Any, *, ttl_seconds: float, prefix: str = "dvcbot:") -> None:
        self._redis = client
        self._ttl_ms = max(1, int(ttl_seconds * 1000))
        self._prefix = prefix

    def _key(self, message_id: str) -> str:
        return f"{self._prefix}seen:{message_id[:MAX_KEY_CHARS]}"

    def first_time(self, message_id: str) -> bool:
        try:
            return bool(self._redis.set(self._key(message_id), b"1", nx=True, px=self._ttl_ms))
        except (RedisError, OSError) as error:
            raise CoordinationUnavailable(f"Redis unreachable for message de-duplication: {error}") from error

    def forget(self, message_id: str) -> None:
        try:
            self._redis.delete(self._key(message_id))
        except (RedisError, OSError) as error:
            raise CoordinationUnavailable(f"Redis unreachable for message de-duplication: {error}") from error
