""""Was this helpful? 👍/👎" on the bot's answers, kept in a SQLAlchemy table.

One row per click: who (sender id and channel), the rating (+1 / -1), the answer it is about and,
when the channel knows it, the question before it. Texts are masked like tracker events
(``bot.privacy``), so a rating never stores a citizen's phone or ID number. The table's schema is
Alembic revision 0003 in ``knowledge/migrations``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Engine, Float, Integer, String, Text, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from bot.privacy import mask_numbers
from knowledge.migrations import upgrade_schema

__all__ = ["FeedbackRow", "FeedbackSummary", "SqlFeedbackStore"]

MAX_TEXT_CHARS = 8000


class _Base(DeclarativeBase):
    pass


class FeedbackRow(_Base):
    __tablename__ = "answer_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sender_id: Mapped[str] = mapped_column(String(255), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    rating: Mapped[int] = mapped_column(Integer)
    answer: Mapped[str] = mapped_column(Text)
    question: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[float] = mapped_column(Float)


@dataclass(frozen=True, slots=True)
class FeedbackSummary:
    helpful: int
    not_helpful: int


class SqlFeedbackStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        upgrade_schema(engine)  # the table is owned by knowledge/migrations/ (revision 0003)

    def add(
        self, *, sender_id: str, channel: str, rating: int, answer: str, question: str | None = None
    ) -> int:
        """Store one rating (``+1`` helpful, ``-1`` not) and return its id."""
        if rating not in (1, -1):
            raise ValueError("rating must be +1 or -1")
        row = FeedbackRow(
            sender_id=sender_id,
            channel=channel,
            rating=rating,
            answer=mask_numbers(answer[:MAX_TEXT_CHARS]),
            question=mask_numbers(question[:MAX_TEXT_CHARS]) if question else None,
            created_at=time.time(),
        )
        with Session(self._engine) as session, session.begin():
            session.add(row)
            session.flush()
            return int(row.id)

    def for_sender(self, sender_id: str) -> list[FeedbackRow]:
        with Session(self._engine, expire_on_commit=False) as session:
            return list(
                session.scalars(select(FeedbackRow).where(FeedbackRow.sender_id == sender_id).order_by(FeedbackRow.id))
            )

    def summary(self) -> FeedbackSummary:
        with Session(self._engine) as session:
            counts = dict(session.execute(select(FeedbackRow.rating, func.count()).group_by(FeedbackRow.rating)).all())
        return FeedbackSummary(helpful=int(counts.get(1, 0)), not_helpful=int(counts.get(-1, 0)))
