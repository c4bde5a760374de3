"""moa pages and evidence

Two JSON columns on ``moa_documents``: ``pages``, how each page carries its text
(text, ocr, scanned, partly_scanned, blank; see ``g287.read.moa.scans``), and
``evidence``, the page and text each fact was read from. Documents imported
before this revision have NULL in both until ``g287 rebuild``.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("moa_documents", sa.Column("pages", sa.Text(), nullable=True))
    op.add_column("moa_documents", sa.Column("evidence", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("moa_documents", schema=None) as batch_op:
        batch_op.drop_column("evidence")
        batch_op.drop_column("pages")
