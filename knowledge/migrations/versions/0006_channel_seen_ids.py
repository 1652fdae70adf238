"""Message ids the channel webhooks handled, so a replay after a restart is refused (``bot.seen_ids_store``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channel_seen_ids",
        sa.Column("key", sa.String(length=255), primary_key=True),
        sa.Column("expires_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_channel_seen_ids_expires_at", "channel_seen_ids", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_channel_seen_ids_expires_at", table_name="channel_seen_ids")
    op.drop_table("channel_seen_ids")
