"""Who asked to be told when a dossier's status changes (``"báo cho tôi khi có kết quả"``).

One active subscription per (code, conversation); asking again refreshes it. A subscription ends
once the applicant has been told about a final status (result ready, returned, rejected).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from knowledge.dossier.tables import SubscriptionRow
from knowledge.migrations import upgrade_schema

__all__ = ["SqlSubscriptionStore", "Subscription", "SubscriptionStore"]


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    code: str
    sender_id: str
    channel: str
    last_status: str | None


class SubscriptionStore(Protocol):
    """The port the dialogue and the notifier use; ``SqlSubscriptionStore`` is the implementation."""

    def subscribe(self, *, code: str, sender_id: str, channel: str, last_status: str | None) -> Subscription: ...

    def active_for(self, *, code: str) -> list[Subscription]: ...

    def active_codes(self) -> list[str]: ...

    def mark_notified(self, subscription_id: int, *, status: str, final: bool) -> None: ...


def _read(row: SubscriptionRow) -> Subscription:
    return Subscription(row.id, row.code, row.sender_id, row.channel, row.last_status)


class SqlSubscriptionStore:
    def __init__(self, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._clock = clock
        upgrade_schema(engine)

    def subscribe(self, *, code: str, sender_id: str, channel: str, last_status: str | None) -> Subscription:
        now = self._clock()
        with Session(self._engine) as session, session.begin():
            row = session.scalars(
                select(SubscriptionRow).where(
                    SubscriptionRow.code == code, SubscriptionRow.sender_id == sender_id, SubscriptionRow.active
                )
            ).first()
            if row is None:
                row = SubscriptionRow(code=code, sender_id=sender_id, created_at=now, active=True)
                session.add(row)
            row.channel, row.last_status, row.updated_at = channel, last_status, now
            session.flush()
            return _read(row)

    def active_for(self, *, code: str) -> list[Subscription]:
        with Session(self._engine) as session:
            rows = session.scalars(
                select(SubscriptionRow).where(SubscriptionRow.code == code, SubscriptionRow.active).order_by(SubscriptionRow.id)
            )
            return [_read(row) for row in rows]

    def active_codes(self) -> list[str]:
        with Session(self._engine) as session:
            return list(session.scalars(select(SubscriptionRow.code).where(SubscriptionRow.active).distinct()))

    def mark_notified(self, subscription_id: int, *, status: str, final: bool) -> None:
        with Session(self._engine) as session, session.begin():
            row = session.get(SubscriptionRow, subscription_id)
            if row is None:
                return
            row.last_status, row.updated_at = status, self._clock()
            row.active = not final
