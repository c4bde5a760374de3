"""publication counts

``publication_counts`` keeps each list's counts (rows by model, TYPE and MOA status,
states, signing dates, issues by severity) as the importer stores or re-dates it, so a
new web worker's ``/api/publications`` reads them instead of counting every row of every
list. Lists stored before this revision have none until ``g287 rebuild``; until then
they are counted on demand, as before.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publication_counts",
        sa.Column("publication_id", sa.String(length=16), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publications.id"],
            name=op.f("fk_publication_counts_publication_id_publications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("publication_id", name=op.f("pk_publication_counts")),
    )


def downgrade() -> None:
    op.drop_table("publication_counts")
