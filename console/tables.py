"""The console's tables: staff and their sessions, handoffs, suggestions shown and their feedback,
and the audit of dossier lookups made by staff. Schema: Alembic revision 0009 (``knowledge/migrations``)."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "ConsoleBase",
    "DossierLookupAuditRow",
    "HandoffRow",
    "StaffRow",
    "StaffSessionRow",
    "SuggestionFeedbackRow",
    "SuggestionRow",
]


class ConsoleBase(DeclarativeBase):
    pass


class StaffRow(ConsoleBase):
    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[float] = mapped_column(Float)


class StaffSessionRow(ConsoleBase):
    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie value
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[float] = mapped_column(Float)
    last_seen_at: Mapped[float] = mapped_column(Float)


class HandoffRow(ConsoleBase):
    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sender_id: Mapped[str] = mapped_column(String(255), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(32))  # asked | failed
    state: Mapped[str] = mapped_column(String(16), index=True)  # queued | held | closed
    question: Mapped[str | None] = mapped_column(Text, nullable=True)  # the citizen's last message, masked
    queued_at: Mapped[float] = mapped_column(Float, index=True)
    taken_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    closed_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    staff_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)


class SuggestionRow(ConsoleBase):
    __tablename__ = "assist_suggestions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    staff_id: Mapped[int] = mapped_column(Integer, index=True)
    query: Mapped[str] = mapped_column(Text)  # masked
    procedure: Mapped[str | None] = mapped_column(String(128), nullable=True, index=True)
    aspect: Mapped[str | None] = mapped_column(String(64), nullable=True)
    rank: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[float] = mapped_column(Float, index=True)


class SuggestionFeedbackRow(ConsoleBase):
    __tablename__ = "assist_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    suggestion_id: Mapped[int] = mapped_column(
        ForeignKey("assist_suggestions.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # shown | used | edited | wrong
    final_text: Mapped[str | None] = mapped_column(Text, nullable=True)  # masked; for "edited"
    created_at: Mapped[float] = mapped_column(Float)


class DossierLookupAuditRow(ConsoleBase):
    __tablename__ = "staff_dossier_lookups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    staff_id: Mapped[int] = mapped_column(Integer, index=True)
    code: Mapped[str] = mapped_column(String(64), index=True)
    found: Mapped[bool] = mapped_column(Boolean)
    looked_up_at: Mapped[float] = mapped_column(Float, index=True)
