"""The hotline console's tables (``console.tables``): staff accounts and sessions, handoffs, agent-assist
suggestions and their feedback, and the audit of staff dossier lookups.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(length=64), nullable=False, unique=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.Float(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(length=64), primary_key=True),
        sa.Column(
            "staff_id", sa.Integer(), sa.ForeignKey("staff_accounts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("last_seen_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_staff_sessions_staff_id", "staff_sessions", ["staff_id"])
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("queued_at", sa.Float(), nullable=False),
        sa.Column("taken_at", sa.Float(), nullable=True),
        sa.Column("closed_at", sa.Float(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
    )
    for column in ("sender_id", "state", "queued_at", "staff_id"):
        op.create_index(f"ix_handoffs_{column}", "handoffs", [column])
    op.create_table(
        "assist_suggestions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("procedure", sa.String(length=128), nullable=True),
        sa.Column("aspect", sa.String(length=64), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
    )
    for column in ("staff_id", "procedure", "created_at"):
        op.create_index(f"ix_assist_suggestions_{column}", "assist_suggestions", [column])
    op.create_table(
        "assist_feedback",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "suggestion_id",
            sa.Integer(),
            sa.ForeignKey("assist_suggestions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("final_text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_assist_feedback_suggestion_id", "assist_feedback", ["suggestion_id"])
    op.create_index("ix_assist_feedback_kind", "assist_feedback", ["kind"])
    op.create_table(
        "staff_dossier_lookups",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("found", sa.Boolean(), nullable=False),
        sa.Column("looked_up_at", sa.Float(), nullable=False),
    )
    for column in ("staff_id", "code", "looked_up_at"):
        op.create_index(f"ix_staff_dossier_lookups_{column}", "staff_dossier_lookups", [column])


def downgrade() -> None:
    for table in (
        "staff_dossier_lookups",
        "assist_feedback",
        "assist_suggestions",
        "handoffs",
        "staff_sessions",
        "staff_accounts",
    ):
        op.drop_table(table)
