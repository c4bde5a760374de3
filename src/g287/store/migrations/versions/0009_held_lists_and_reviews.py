"""held lists and list reviews

Lists that lose most of the program at once are held as suspect (a derived table);
a person's verdict on one (``g287 accept``) is stored beside them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
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
        "list_reviews",
        sa.Column("publication_id", sa.String(length=16), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publications.id"],
            name=op.f("fk_list_reviews_publication_id_publications"),
        ),
        sa.PrimaryKeyConstraint("publication_id", name=op.f("pk_list_reviews")),
    )
    op.create_table(
        "held_lists",
        sa.Column("publication_id", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("compared_with_id", sa.String(length=16), nullable=False),
        sa.Column("loss", sa.Float(), nullable=False),
        sa.Column("agreements", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["compared_with_id"],
            ["publications.id"],
            name=op.f("fk_held_lists_compared_with_id_publications"),
        ),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publications.id"],
            name=op.f("fk_held_lists_publication_id_publications"),
        ),
        sa.PrimaryKeyConstraint("publication_id", name=op.f("pk_held_lists")),
    )


def downgrade() -> None:
    op.drop_table("held_lists")
    op.drop_table("list_reviews")
