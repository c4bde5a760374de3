"""The simulator's hard cases: each scenario is really in the workbooks, and the
agreement-grain score can fail (and names the scenario that failed)."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from g287.app.importer import Importer
from g287.interfaces.cli import cli
from g287.read.publication import ParsedList, read_list
from g287.simulate import score, simulate
from g287.simulate.config import HARD_SCENARIOS
from g287.simulate.score import report, truth_as_prediction
from g287.simulate.scoring import score_against
from tests.conftest import SHEETS


@dataclass
class Row:
    list_index: int  # among the distinct participating lists, in order
    file_name: str
    sha256: str
    row_number: int
    state_raw: str
    state: str | None
    agency: str
    model: str | None
    signed_raw: str
    signed: date | None


@dataclass
class HardRun:
    root: Path
    publications: list[dict[str, str]]
    agreements: dict[str, dict[str, str]]
    rows: dict[str, list[Row]]  # true agreement id -> its participating rows, in list order
    lists: list[list[tuple[str, Row]]]  # each distinct participating list: (true id, row)

    @property
    def truth(self) -> Path:
        return self.root / "truth"

    def tagged(self, scenario: str) -> list[str]:
        return sorted(
            a for a, rec in self.agreements.items() if scenario in rec["scenario"].split("|")
        )


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def hard(tmp_path_factory: pytest.TempPathFactory) -> HardRun:
    root = tmp_path_factory.mktemp("hard")
    simulate(root, seed=5, publications=16, agreements=80, hard=True)
    pubs = _csv(root / "truth" / "publications.csv")
    truth_rows = {
        (r["sha256"], int(r["row_number"])): r["true_agreement_id"]
        for r in _csv(root / "truth" / "rows.csv")
    }
    rows: dict[str, list[Row]] = defaultdict(list)
    lists: list[list[tuple[str, Row]]] = []
    part = [p for p in pubs if p["kind"] == "participating" and p["distinct"] == "1"]
    for i, pub in enumerate(part):
        data = (root / "sheets" / pub["folder"] / pub["file_name"]).read_bytes()
        parsed: ParsedList = read_list(
            data, kind_hint="participating", reference=date.fromisoformat(pub["published"])
        )
        on_list = []
        for r in parsed.rows:
            row = Row(
                i,
                pub["file_name"],
                pub["sha256"],
                r.row_number,
                r.state_raw,
                r.state,
                r.agency_raw,
                r.model,
                r.signed_raw or "",
                r.signed,
            )
            aid = truth_rows[(pub["sha256"], r.row_number)]
            rows[aid].append(row)
            on_list.append((aid, row))
        lists.append(on_list)
    agreements = {a["true_agreement_id"]: a for a in _csv(root / "truth" / "agreements.csv")}
    return HardRun(root, pubs, agreements, dict(rows), lists)


# --- every scenario is in the rendered workbooks --------------------------------------


def test_every_hard_scenario_tags_agreements(hard: HardRun):
    for scenario in HARD_SCENARIOS:
        assert hard.tagged(scenario), scenario
    events = Counter(
        e["detail"].split(":")[0]
        for e in _csv(hard.truth / "events.csv")
        if e["event"] == "hard_case"
    )
    assert set(events) == set(HARD_SCENARIOS)


@pytest.mark.parametrize(
    ("scenario", "model", "contains"),
    [("colisted_state_division", "TFM", ""), ("colisted_sheriff_jail", "JEM", " Jail")],
)
def test_co_listed_agencies_whose_names_contain_each_other(
    hard: HardRun, scenario: str, model: str, contains: str
):
    one, two = hard.tagged(scenario)
    a, b = hard.agreements[one], hard.agreements[two]
    assert a["agency_id"] != b["agency_id"] and a["state"] == b["state"]
    assert a["model"] == b["model"] == model and a["signed"] == b["signed"]
    short, long = sorted((a["agency_name"], b["agency_name"]), key=len)
    assert long.startswith(short) and long != short and contains in long
    side_by_side = 0
    for on_list in hard.lists:
        numbers = {aid: row.row_number for aid, row in on_list if aid in (one, two)}
        if len(numbers) == 2:
            side_by_side += abs(numbers[one] - numbers[two]) == 1  # adjacent rows
    assert side_by_side >= 2  # printed next to each other on several lists


def test_chained_renames_across_state_agencies(hard: HardRun):
    chained = hard.tagged("chained_rename")
    assert len(chained) == 2
    for aid in chained:
        names = list(dict.fromkeys(r.agency for r in hard.rows[aid]))
        assert len(names) == 3, names  # A -> B -> C, in list order
        assert names[-1] == hard.agreements[aid]["agency_name"]
        assert hard.agreements[aid]["status"] == "active"
    parent = next(
        n
        for n in (hard.agreements[a]["agency_name"] for a in hard.tagged("colisted_state_division"))
    )
    first_names = {hard.rows[aid][0].agency for aid in chained}
    assert any(
        name.startswith(hard.agreements[a]["agency_name"])
        for name in first_names
        for a in hard.tagged("colisted_state_division")
    ), (parent, first_names)


def test_impossible_years_are_never_corrected(hard: HardRun):
    for aid in hard.tagged("uncorrected_impossible_year"):
        true_year = hard.agreements[aid]["signed"][:4]
        typo = true_year[0] + true_year[2] + true_year[1] + true_year[3]  # 2025 -> 2205
        rows = hard.rows[aid]
        assert len(rows) >= 2
        assert all(re.search(typo, r.signed_raw) for r in rows), [r.signed_raw for r in rows]


def test_exact_and_near_duplicate_rows(hard: HardRun):
    exact = near = 0
    for aid in hard.tagged("exact_duplicate_rows"):
        for on_list in hard.lists:
            mine = [(r.agency, r.state_raw, r.signed_raw) for a, r in on_list if a == aid]
            exact += len(mine) == 2 and mine[0] == mine[1]
    for aid in hard.tagged("near_duplicate_rows"):
        for on_list in hard.lists:
            names = [r.agency for a, r in on_list if a == aid]
            near += len(names) == 2 and names[0] != names[1]
    assert exact >= 4 and near >= 2  # on several lists each


def test_unreadable_states_and_wrong_state_stretches(hard: HardRun):
    unreadable = hard.tagged("unreadable_state")
    assert len(unreadable) == 2
    for aid in unreadable:
        assert any(r.state is None and r.state_raw == "#N/A" for r in hard.rows[aid])
    # one of them is unreadable from its very first list
    assert any(hard.rows[aid][0].state is None for aid in unreadable)
    stretches = []
    for aid in hard.tagged("wrong_state_stretch"):
        states = [r.state for r in hard.rows[aid]]  # its rows, list by list
        wrong = [i for i, s in enumerate(states) if s != hard.agreements[aid]["state"]]
        assert wrong and wrong == list(range(wrong[0], wrong[0] + len(wrong)))  # one stretch
        assert len({r.state for r in hard.rows[aid]}) == 2
        stretches.append(len(wrong))
    assert max(stretches) >= 3


def test_a_truncated_list_is_suspect_with_the_previous_true_count(hard: HardRun):
    part = [p for p in hard.publications if p["kind"] == "participating" and p["distinct"] == "1"]
    suspect = [i for i, p in enumerate(part) if p["suspect"] == "1"]
    assert len(suspect) == 1
    i = suspect[0]
    assert 0 < i < len(part) - 1  # neither the first list nor the newest
    assert 3 <= int(part[i]["rows"]) <= 5
    assert part[i]["active"] == part[i - 1]["active"]
    assert int(part[i - 1]["active"]) == len({a for a, _ in hard.lists[i - 1]})
    earlier = {a for a, _ in hard.lists[i - 1]}
    assert {a for a, _ in hard.lists[i]} <= earlier
    assert sorted({a for a, _ in hard.lists[i]}) == hard.tagged("truncated_list")


# --- the score can fail -----------------------------------------------------------------


def _true_counts(hard: HardRun) -> dict[str, int]:
    return {p["sha256"]: int(p["active"]) for p in hard.publications if p["active"]}


def test_the_truth_is_exact_in_every_scenario(hard: HardRun):
    rows, agreements = truth_as_prediction(hard.truth)
    result = score(hard.truth, rows, agreements, _true_counts(hard))
    assert result.perfect
    assert result.agreement_exactness == 1.0 and result.exact_agreements == len(hard.rows)
    assert {s.scenario for s in result.scenarios if s.hard} == set(HARD_SCENARIOS)
    assert all(s.exactness == 1.0 and s.agreements for s in result.scenarios if s.hard)
    assert result.list_count_errors == 0 and result.worst == ()


def test_merging_two_co_listed_agreements_is_caught(hard: HardRun):
    rows, agreements = truth_as_prediction(hard.truth)
    one, two = hard.tagged("colisted_state_division")
    merged = {key: (one if aid == two else aid) for key, aid in rows.items()}
    # the resolved count of a list is the distinct predicted agreements printed on it
    counts: dict[str, int] = {}
    for on_list in hard.lists:
        sha = on_list[0][1].sha256
        counts[sha] = len({merged[(r.sha256, r.row_number)] for _, r in on_list})
    part = [p for p in hard.publications if p["kind"] == "participating" and p["distinct"] == "1"]
    for i, p in enumerate(part):
        if p["suspect"] == "1":
            counts[p["sha256"]] = counts[part[i - 1]["sha256"]]
    result = score(hard.truth, merged, agreements, counts)
    assert result.exact_agreements == len(hard.rows) - 2  # both are now wrong
    assert result.agreement_exactness < 1.0 and not result.perfect
    by_name = {s.scenario: s for s in result.scenarios}
    assert by_name["colisted_state_division"].exactness == 0.0
    assert by_name["colisted_state_division"].pairwise_precision < 1.0
    assert by_name["colisted_state_division"].pairwise_recall == 1.0
    assert all(s.exactness == 1.0 for n, s in by_name.items() if n != "colisted_state_division")
    assert {c.true_agreement_id for c in result.worst} == {one, two}
    assert all("colisted_state_division" in c.scenarios for c in result.worst)
    case = next(c for c in result.worst if c.true_agreement_id == two)
    assert case.missing == 0 and case.intruders == len(hard.rows[one])
    assert {r.true_agreement_id for r in case.rows} == {one, two}  # its rows and the intruders
    assert all(r.predicted_id == one for r in case.rows)
    on_both = sum(1 for on_list in hard.lists if {one, two} <= {a for a, _ in on_list} and on_list)
    assert result.list_count_errors >= on_both > 0
    assert all(c.error in (0, -1) for c in result.lists)
    text = "\n".join(report(result))
    assert f"worst: {one} [colisted_state_division]" in text
    assert "colisted_state_division *" in text


def test_a_split_agreement_is_caught(hard: HardRun):
    rows, agreements = truth_as_prediction(hard.truth)
    (aid, *_) = hard.tagged("chained_rename")
    last_name = hard.rows[aid][-1].agency
    split = dict(rows)
    for r in hard.rows[aid]:
        if r.agency == last_name:
            split[(r.sha256, r.row_number)] = aid + "-renamed"  # the last rename not followed
    result = score(hard.truth, split, agreements)
    by_name = {s.scenario: s for s in result.scenarios}
    assert by_name["chained_rename"].exact == 1 and by_name["chained_rename"].pairwise_recall < 1
    assert by_name["chained_rename"].pairwise_precision == 1.0
    assert result.worst[0].true_agreement_id == aid
    assert result.worst[0].missing == sum(r.agency == last_name for r in hard.rows[aid])


# --- the resolver on the hard cases --------------------------------------------------------


def test_the_resolver_gets_every_hard_case_exactly(hard: HardRun, importer: Importer):
    results = importer.import_paths([hard.root / "sheets"])
    assert {r.outcome for r in results} <= {"accepted", "duplicate"}
    with importer.db.connect() as conn:
        result = score_against(conn, hard.truth)
    failed = [s.scenario for s in result.scenarios if s.hard and s.exactness < 1.0]
    assert not failed, "\n".join(report(result))
    suspect = [c for c in result.lists if c.suspect]
    assert len(suspect) == 1 and suspect[0].resolved_active == suspect[0].true_active
    assert result.list_count_errors == 0, "\n".join(report(result))
    # the command line prints the same score (and --json is the library's result)
    env = {
        "G287_DATABASE_URL": importer.db.url,
        "G287_DATA_DIR": str(importer.archive.root.parent),
    }
    shown = CliRunner().invoke(cli, ["score", str(hard.truth), "--use-database"], env=env)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines() == report(result)
    assert "hard scenarios 100.00%" in shown.stdout.splitlines()[0]
    as_json = CliRunner().invoke(
        cli, ["score", str(hard.truth), "--use-database", "--json"], env=env
    )
    assert json.loads(as_json.stdout) == json.loads(json.dumps(result.as_dict()))


def test_score_works_in_its_own_workspace_and_never_touches_the_users_data(
    hard: HardRun, tmp_path: Path
):
    """The README's simulation steps leave the user's database and archive byte for byte
    unchanged: `g287 score OUT` imports OUT/sheets into OUT/workspace."""
    import shutil

    sim = tmp_path / "sim"
    shutil.copytree(hard.root, sim, ignore=shutil.ignore_patterns("workspace"))
    user = tmp_path / "user-data"
    runner = CliRunner()
    env = {"G287_DATA_DIR": str(user)}
    assert (
        runner.invoke(cli, ["import", str(SHEETS / "sheets_20250519_024330")], env=env).exit_code
        == 0
    )

    def snapshot() -> dict[str, bytes]:
        return {str(p): p.read_bytes() for p in sorted(user.rglob("*")) if p.is_file()}

    before = snapshot()
    first = runner.invoke(cli, ["score", str(sim)], env=env)
    assert first.exit_code == 0, first.output
    assert "hard scenarios 100.00%" in first.stdout.splitlines()[0]
    again = runner.invoke(cli, ["score", str(sim / "truth")], env=env)  # truth/ works too
    assert again.stdout == first.stdout
    assert snapshot() == before
    assert (sim / "workspace" / "g287.sqlite").is_file()
    bad = runner.invoke(cli, ["score", str(user)], env=env)
    assert bad.exit_code == 2 and "not a folder written by g287 simulate" in bad.stderr


def test_simulate_hard_from_the_command_line(tmp_path: Path):
    out = tmp_path / "out"
    args = ["simulate", str(out), "--hard", "--publications", "8", "--agreements", "40"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    tagged = {
        tag
        for a in _csv(out / "truth" / "agreements.csv")
        for tag in a["scenario"].split("|")
        if tag
    }
    assert set(HARD_SCENARIOS) <= tagged
    plain = tmp_path / "plain"
    assert CliRunner().invoke(cli, ["simulate", str(plain), "--publications", "8"]).exit_code == 0
    scenarios = " ".join(a["scenario"] for a in _csv(plain / "truth" / "agreements.csv"))
    assert not any(name in scenarios for name in HARD_SCENARIOS)
    assert not any(p["suspect"] == "1" for p in _csv(plain / "truth" / "publications.csv"))
