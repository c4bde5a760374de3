"""decision agencies

``decision_agencies`` (a derived table) says which agencies each resolver decision is
about, so an agency's page looks its decisions up by id instead of matching their
subjects' text on every view. Filled here from the stored decisions and agencies by the
rule the derivation writes it with (``g287.app.derive.decision_agency_rows``): an
agency of the subject's state whose canonical name or a spelling is one of the names
the subject prints.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "decision_agencies",
        sa.Column("decision_seq", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_decision_agencies_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["decision_seq"],
            ["decisions.seq"],
            name=op.f("fk_decision_agencies_decision_seq_decisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("decision_seq", "agency_id", name=op.f("pk_decision_agencies")),
    )
    op.create_index(
        op.f("ix_decision_agencies_agency_id"), "decision_agencies", ["agency_id"], unique=False
    )
    conn = op.get_bind()
    named: dict[tuple[str, str], set[str]] = defaultdict(set)
    for agency_id, state, canonical, spellings in conn.execute(
        sa.text("SELECT id, state, canonical, spellings FROM agencies")
    ):
        for name in {s.lower() for s in json.loads(spellings)} | {canonical.lower()}:
            named[(state, name)].add(agency_id)
    rows = []
    for seq, subject in conn.execute(sa.text("SELECT seq, subject FROM decisions ORDER BY seq")):
        if " | " not in subject:
            continue
        state = subject.split(" | ", 1)[0]
        names = {p.strip() for side in subject.lower().split(" = ") for p in side.split(" | ")}
        found = set().union(*(named.get((state, n), set()) for n in names))
        rows += [{"decision_seq": seq, "agency_id": a} for a in sorted(found)]
    if rows:
        op.bulk_insert(table, rows)
    # a writer's cache of the derived tables (keyed by this token) predates the table
    conn.execute(
        sa.text("UPDATE derived_state SET value = :token WHERE key = 'token'"),
        {"token": uuid.uuid4().hex},
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_decision_agencies_agency_id"), table_name="decision_agencies")
    op.drop_table("decision_agencies")
