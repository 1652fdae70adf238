""""Was this helpful? 👍/👎" on the bot's answers (``answer_feedback``, see ``bot.feedback_store``).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("answer_feedback"):  # made by create_all before this revision
        return
    op.create_table(
        "answer_feedback",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_answer_feedback_sender_id", "answer_feedback", ["sender_id"])


def downgrade() -> None:
    op.drop_index("ix_answer_feedback_sender_id", table_name="answer_feedback")
    op.drop_table("answer_feedback")
