"""Suggestions shown to staff and what staff did with them, for the curator.

Each suggestion the console shows is a row (``assist_suggestions``); feedback on it — ``shown``,
``used`` (copied as is), ``edited`` (with the text finally said) or ``wrong`` — is another
(``assist_feedback``). ``worst`` lists the procedure/aspect answers most often marked wrong or
edited, so the catalogue entry behind them gets fixed. Texts are masked (``bot.privacy``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Engine, case, func, select
from sqlalchemy.orm import Session

from bot.privacy import mask_numbers
from console.assist import Suggestion
from console.tables import SuggestionFeedbackRow, SuggestionRow
from knowledge.migrations import upgrade_schema

__all__ = ["CuratorItem", "FeedbackKind", "SuggestionLog"]

MAX_TEXT_CHARS = 20_000


class FeedbackKind(StrEnum):
    SHOWN = "shown"
    USED = "used"
    EDITED = "edited"
    WRONG = "wrong"


@dataclass(frozen=True, slots=True)
class CuratorItem:
    procedure: str | None
    aspect: str | None
    wrong: int
    edited: int
    used: int
    shown: int
    example_query: str
    example_final_text: str | None


class SuggestionLog:
    def __init__(self, engine: Engine, *, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._clock = clock
        upgrade_schema(engine)

    def record(self, *, staff_id: int, query: str, suggestions: list[Suggestion]) -> list[int]:
        now = self._clock()
        rows = [
            SuggestionRow(
                staff_id=staff_id,
                query=mask_numbers(query[:MAX_TEXT_CHARS]),
                procedure=s.procedure,
                aspect=s.aspect,
                rank=rank,
                confidence=s.confidence,
                text=mask_numbers(s.text[:MAX_TEXT_CHARS]),
                created_at=now,
            )
            for rank, s in enumerate(suggestions, start=1)
        ]
        if not rows:
            return []
        with Session(self._engine) as session, session.begin():
            session.add_all(rows)
            session.flush()
            return [int(row.id) for row in rows]

    def feedback(
        self, *, suggestion_id: int, staff_id: int, kind: FeedbackKind, final_text: str | None = None
    ) -> int:
        """Store one piece of feedback; ``KeyError`` for an unknown suggestion."""
        if kind == FeedbackKind.EDITED and not (final_text or "").strip():
            raise ValueError("an edited suggestion needs the final text")
        with Session(self._engine) as session, session.begin():
            if session.get(SuggestionRow, suggestion_id) is None:
                raise KeyError(suggestion_id)
            row = SuggestionFeedbackRow(
                suggestion_id=suggestion_id,
                staff_id=staff_id,
                kind=kind.value,
                final_text=mask_numbers(final_text[:MAX_TEXT_CHARS]) if final_text else None,
                created_at=self._clock(),
            )
            session.add(row)
            session.flush()
            return int(row.id)

    def kinds_of(self, suggestion_id: int) -> list[str]:
        with Session(self._engine) as session:
            return list(
                session.scalars(
                    select(SuggestionFeedbackRow.kind)
                    .where(SuggestionFeedbackRow.suggestion_id == suggestion_id)
                    .order_by(SuggestionFeedbackRow.id)
                )
            )

    def worst(self, *, limit: int = 20) -> list[CuratorItem]:
        """Procedure/aspect answers by how often staff marked them wrong or edited them, worst first."""
        counts = {
            kind: func.sum(case((SuggestionFeedbackRow.kind == kind.value, 1), else_=0)).label(kind.value)
            for kind in FeedbackKind
        }
        with Session(self._engine) as session:
            grouped = session.execute(
                select(
                    SuggestionRow.procedure,
                    SuggestionRow.aspect,
                    *counts.values(),
                    func.max(SuggestionFeedbackRow.id).label("latest"),
                )
                .join(SuggestionFeedbackRow, SuggestionFeedbackRow.suggestion_id == SuggestionRow.id)
                .group_by(SuggestionRow.procedure, SuggestionRow.aspect)
            ).all()
            items: list[CuratorItem] = []
            for row in grouped:
                wrong, edited = int(row.wrong or 0), int(row.edited or 0)
                if wrong + edited == 0:
                    continue
                example = session.execute(
                    select(SuggestionRow.query, SuggestionFeedbackRow.final_text)
                    .join(SuggestionFeedbackRow, SuggestionFeedbackRow.suggestion_id == SuggestionRow.id)
                    .where(
                        SuggestionRow.procedure == row.procedure,
                        SuggestionRow.aspect == row.aspect,
                        SuggestionFeedbackRow.kind.in_((FeedbackKind.WRONG.value, FeedbackKind.EDITED.value)),
                    )
                    .order_by(SuggestionFeedbackRow.id.desc())
                    .limit(1)
                ).first()
                items.append(
                    CuratorItem(
                        row.procedure,
                        row.aspect,
                        wrong,
                        edited,
                        int(row.used or 0),
                        int(row.shown or 0),
                        str(example[0]) if example else "",
                        example[1] if example else None,
                    )
                )
        items.sort(key=lambda item: (-(item.wrong + item.edited), -item.wrong))
        return items[:limit]
