"""SQLAlchemy tables the bot keeps about dossier lookups: attempts (for limits), verifications the bot
made itself, and alert subscriptions.

They live in the conversation database, apart from any status system's own data; their schema is
migrations ``0002`` and ``0004`` in ``knowledge/migrations``.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, Index, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["DossierBotBase", "LookupAttemptRow", "SubscriptionRow", "VerificationRow"]


class DossierBotBase(DeclarativeBase):
    pass


class LookupAttemptRow(DossierBotBase):
    """One lookup a conversation made; ``outcome`` is ``verified``, ``failed`` or ``unavailable``.

    ``client`` is who made it in terms an attacker cannot rotate cheaply (``ip:203.0.113.7``,
    ``ip6:2001:db8:1:2::/64``, ``user:telegram:123``); see ``knowledge.dossier.limits``. Revision 0007.
    """

    __tablename__ = "dossier_lookup_attempts"
    __table_args__ = (
        Index("ix_dossier_lookup_attempts_code_at", "code", "at"),
        Index("ix_dossier_lookup_attempts_client_code", "client", "code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sender_id: Mapped[str] = mapped_column(String(255), index=True)
    client: Mapped[str | None] = mapped_column(String(255), nullable=True)
    code: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    at: Mapped[float] = mapped_column(Float, index=True)


class SubscriptionRow(DossierBotBase):
    """An applicant who asked to be told when a dossier's status changes, and on which channel."""

    __tablename__ = "dossier_subscriptions"
    __table_args__ = (Index("ix_dossier_subscriptions_code_active", "code", "active"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64))
    sender_id: Mapped[str] = mapped_column(String(255))
    channel: Mapped[str] = mapped_column(String(64))
    last_status: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)


class VerificationRow(DossierBotBase):
    """The dossier a conversation last proved it may see, on which channel, and when (one per conversation).

    Written only by the lookup action after the applicant gave the right digits: what the dialogue
    trusts instead of a ``verified_dossier`` slot, which whoever sends a tracker can set.
    """

    __tablename__ = "dossier_verifications"

    sender_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))
    verified_at: Mapped[float] = mapped_column(Float)
