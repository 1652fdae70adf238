"""Who made a dossier lookup, by address or channel user (``knowledge.dossier.limits``).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossier_lookup_attempts") as batch:
        batch.add_column(sa.Column("client", sa.String(length=255), nullable=True))
    op.create_index("ix_dossier_lookup_attempts_client_code", "dossier_lookup_attempts", ["client", "code"])


def downgrade() -> None:
    op.drop_index("ix_dossier_lookup_attempts_client_code", table_name="dossier_lookup_attempts")
    with op.batch_alter_table("dossier_lookup_attempts") as batch:
        batch.drop_column("client")
