"""Dossier status by chat: lookup attempts (for the limits) and status-alert subscriptions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossier_lookup_attempts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
    )
    op.create_index("ix_dossier_lookup_attempts_sender_id", "dossier_lookup_attempts", ["sender_id"])
    op.create_index("ix_dossier_lookup_attempts_at", "dossier_lookup_attempts", ["at"])
    op.create_index("ix_dossier_lookup_attempts_code_at", "dossier_lookup_attempts", ["code", "at"])
    op.create_table(
        "dossier_subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("last_status", sa.String(length=32), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_dossier_subscriptions_code_active", "dossier_subscriptions", ["code", "active"])


def downgrade() -> None:
    op.drop_index("ix_dossier_subscriptions_code_active", table_name="dossier_subscriptions")
    op.drop_table("dossier_subscriptions")
    op.drop_index("ix_dossier_lookup_attempts_code_at", table_name="dossier_lookup_attempts")
    op.drop_index("ix_dossier_lookup_attempts_at", table_name="dossier_lookup_attempts")
    op.drop_index("ix_dossier_lookup_attempts_sender_id", table_name="dossier_lookup_attempts")
    op.drop_table("dossier_lookup_attempts")
