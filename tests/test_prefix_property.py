"""History stays put: adding later lists never changes what an earlier list held.

For every prefix of a simulated history, the resolution of the prefix and of the whole
series agree on each earlier list's agreements (which rows are one agreement, and how
many agreements the list held), except where a recorded decision says otherwise.
"""

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from g287.acquire.sources import discover
from g287.app.importer import Importer
from g287.config import Settings
from g287.simulate.run import simulate
from g287.store.schema import content_agreements, held_lists, publication_rows, publications

# decisions that may rightly change an earlier list once later lists arrive
RETROACTIVE = {"state_inferred", "suspect_list_confirmed", "suspect_list_accepted"}


def held_by_list(imp: Importer) -> dict[str, frozenset[frozenset[str]]]:
    """Each participating list (not held) -> its rows grouped by agreement."""
    with imp.db.connect() as conn:
        held = set(conn.execute(select(held_lists.c.publication_id)).scalars())
        rows = conn.execute(
            select(
                publication_rows.c.publication_id,
                content_agreements.c.agreement_id,
                publication_rows.c.content_id,
            )
            .join(
                content_agreements, content_agreements.c.content_id == publication_rows.c.content_id
            )
            .join(publications, publications.c.id == publication_rows.c.publication_id)
            .where(publications.c.kind == "participating")
        ).all()
    grouped: dict[str, dict[str, set[str]]] = {}
    for pid, aid, cid in rows:
        if pid not in held:
            grouped.setdefault(pid, {}).setdefault(aid, set()).add(cid)
    return {pid: frozenset(frozenset(g) for g in by.values()) for pid, by in grouped.items()}


def retroactive_decisions(imp: Importer) -> int:
    from g287.query.history import list_decisions

    with imp.db.connect() as conn:
        return sum(1 for d in list_decisions(conn) if d["rule"] in RETROACTIVE)


@pytest.mark.slow
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(min_value=1, max_value=10_000))
def test_adding_lists_never_rewrites_an_earlier_list(seed):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        simulate(root / "sim", seed=seed, publications=14, agreements=90)
        imp = Importer.from_settings(
            Settings.from_env({}, data_dir=root / "data", database_url=None)
        )
        try:
            seen: dict[str, frozenset[frozenset[str]]] = {}
            items = list(
                discover([root / "sim" / "sheets" / "manifest.csv"], now=datetime.now(UTC))
            )
            for item in items:
                imp.import_file(item)
                imp.resolve()
                now = held_by_list(imp)
                if retroactive_decisions(imp) == 0:
                    for pid, groups in seen.items():
                        assert now.get(pid) == groups, (
                            f"seed {seed}: {pid} changed after {item.name}"
                        )
                seen.update(now)
        finally:
            imp.db.dispose()
