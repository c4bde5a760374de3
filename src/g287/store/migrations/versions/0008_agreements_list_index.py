"""agreements list index: (state, model, status, id)

Filtered agreement lists page in id order; with ``id`` in the index SQLite and
PostgreSQL read a page straight from the index instead of sorting every match.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_agreements_state_model_status", table_name="agreements")
    op.create_index(
        "ix_agreements_state_model_status_id",
        "agreements",
        ["state", "model", "status", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_agreements_state_model_status_id", table_name="agreements")
    op.create_index(
        "ix_agreements_state_model_status",
        "agreements",
        ["state", "model", "status"],
        unique=False,
    )
