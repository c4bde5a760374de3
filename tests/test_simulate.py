"""g287.simulate: realistic ICE-style histories with a ground truth, and scoring against it."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

import g287.simulate as simulate_pkg
from g287.app.importer import Importer
from g287.read.publication import ParsedList, read_list
from g287.simulate import PredictedAgreement, SimulationConfig, score, simulate
from g287.simulate.score import truth_as_prediction


@dataclass
class Run:
    root: Path
    publications: list[dict[str, str]]  # publications.csv
    rows: list[dict[str, str]]  # rows.csv
    agreements: dict[str, dict[str, str]]  # agreements.csv by id
    events: list[dict[str, str]]
    parsed: dict[str, ParsedList]  # by sha256, distinct workbooks only

    @property
    def sheets(self) -> Path:
        return self.root / "sheets"

    @property
    def truth(self) -> Path:
        return self.root / "truth"

    def path(self, pub: dict[str, str]) -> Path:
        return self.sheets / pub["folder"] / pub["file_name"]

    def distinct(self, kind: str | None = None) -> list[dict[str, str]]:
        return [
            p
            for p in self.publications
            if p["distinct"] == "1" and (kind is None or p["kind"] == kind)
        ]


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _load(root: Path) -> Run:
    pubs = _csv(root / "truth" / "publications.csv")
    parsed = {}
    for pub in pubs:
        if pub["distinct"] == "1":
            data = (root / "sheets" / pub["folder"] / pub["file_name"]).read_bytes()
            parsed[pub["sha256"]] = read_list(
                data, kind_hint=pub["kind"], reference=date.fromisoformat(pub["published"])
            )
    return Run(
        root,
        pubs,
        _csv(root / "truth" / "rows.csv"),
        {a["true_agreement_id"]: a for a in _csv(root / "truth" / "agreements.csv")},
        _csv(root / "truth" / "events.csv"),
        parsed,
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = tmp_path_factory.mktemp("sim")
    simulate(root)  # the defaults: seed 1, 60 publications, about 400 agreements
    return _load(root)


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


# --- output layout and determinism --------------------------------------------------


def test_public_api_is_small_and_documented():
    assert sorted(simulate_pkg.__all__) == [
        "PredictedAgreement",
        "Score",
        "SimulationConfig",
        "SimulationSummary",
        "score",
        "simulate",
    ]
    for name in ("rows.csv", "agreements.csv", "events.csv", "publications.csv"):
        assert name in (simulate_pkg.__doc__ or "")


def test_same_seed_gives_byte_identical_output(run: Run, tmp_path: Path):
    simulate(tmp_path / "again")
    assert _tree(tmp_path / "again") == _tree(run.root)


def test_output_does_not_depend_on_string_hashing(tmp_path: Path):
    code = (
        "import sys; from pathlib import Path; from g287.simulate import simulate; "
        "simulate(Path(sys.argv[1]), seed=5, publications=10, agreements=80)"
    )
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", code, str(tmp_path / hash_seed)], env=env, check=True)
    assert _tree(tmp_path / "1") == _tree(tmp_path / "2")


def test_another_seed_gives_another_history(tmp_path: Path):
    a = simulate(tmp_path / "a", seed=2, publications=8, agreements=60)
    b = simulate(tmp_path / "b", seed=3, publications=8, agreements=60)
    assert a.participating_files == b.participating_files == 8
    assert _tree(tmp_path / "a" / "truth") != _tree(tmp_path / "b" / "truth")


def test_manifest_lists_every_file_with_the_bundled_columns(run: Run):
    manifest = _csv(run.sheets / "manifest.csv")
    with open(run.sheets / "manifest.csv", encoding="utf-8") as handle:
        header = handle.readline().strip()
    assert header == "folder,file_name,kind,ice_date,ice_ampm,ice_suffix,first_seen_utc,sha256,size"
    on_disk = {str(p.relative_to(run.sheets)) for p in run.sheets.rglob("*.xlsx")}
    assert {f"{m['folder']}/{m['file_name']}" for m in manifest} == on_disk
    assert len(manifest) == len(run.publications)
    for m in manifest:
        path = run.sheets / m["folder"] / m["file_name"]
        assert int(m["size"]) == path.stat().st_size
        assert re.fullmatch(r"sheets_\d{8}_\d{6}", m["folder"])
        assert re.fullmatch(r"(participating|pending)Agencies\d{8}(am|pm)\.xlsx", m["file_name"])
        assert m["first_seen_utc"].endswith("Z")
    assert sum(m["kind"] == "participating" for m in manifest) == 60


# --- every workbook reads back ------------------------------------------------------


def test_every_workbook_reads_back_with_the_right_rows(run: Run):
    _check_read_back(run)


def _check_read_back(run: Run) -> None:
    by_sha: dict[str, list[int]] = defaultdict(list)
    for row in run.rows:
        by_sha[row["sha256"]].append(int(row["row_number"]))
    for pub in run.distinct():
        parsed = run.parsed[pub["sha256"]]
        assert parsed.kind == pub["kind"]
        assert len(parsed.rows) == int(pub["rows"])
        assert [r.row_number for r in parsed.rows] == by_sha[pub["sha256"]]
        assert parsed.layout.header_row == 1
        if pub["kind"] == "pending":
            assert "signed" not in parsed.layout.columns


def test_workbooks_look_like_ice_files(run: Run):
    pub = run.distinct("participating")[-1]
    with zipfile.ZipFile(run.path(pub)) as archive:
        names = archive.namelist()
        core = archive.read("docProps/core.xml").decode()
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
    assert "xl/sharedStrings.xml" in names
    assert "<dcterms:modified" in core
    assert 'name="Sheet1"' not in sheet  # the name lives in workbook.xml
    last_data = int(pub["rows"]) + 1
    dimension = int(re.search(r'<dimension ref="A1:[A-Z]+(\d+)"', sheet)[1])
    assert dimension > last_data  # trailing blank formatted rows
    assert f'<autoFilter ref="A1:H{last_data}"' in sheet


# --- the truth is consistent ----------------------------------------------------------


def test_every_row_belongs_to_a_known_agreement(run: Run):
    _check_rows_have_agreements(run)


def test_statuses_follow_the_rules(run: Run):
    _check_statuses(run)
    statuses = Counter(a["status"] for a in run.agreements.values())
    assert statuses["active"] > 300
    assert statuses["superseded"] and statuses["removed"]


@pytest.mark.parametrize("seed", [2, 3, 4, 5])
def test_the_truth_is_consistent_for_other_seeds(seed: int, tmp_path: Path):
    simulate(tmp_path, seed=seed, publications=30, agreements=150)
    other = _load(tmp_path)
    _check_read_back(other)
    _check_rows_have_agreements(other)
    _check_statuses(other)
    rows, agreements = truth_as_prediction(other.truth)
    assert score(other.truth, rows, agreements).perfect


def _check_rows_have_agreements(run: Run) -> None:
    for row in run.rows:
        agreement = run.agreements[row["true_agreement_id"]]
        assert agreement["agency_id"] == row["true_agency_id"]
        if row["kind"] == "participating":
            assert agreement["status"] in {"active", "superseded", "removed"}
            assert agreement["first_listed"] and agreement["signed"]


def _check_statuses(run: Run) -> None:
    newest = run.distinct("participating")[-1]["sha256"]
    on_newest = {r["true_agreement_id"] for r in run.rows if r["sha256"] == newest}
    part = run.distinct("participating")
    index = {p["sha256"]: i for i, p in enumerate(part)}
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for r in run.rows:
        if r["kind"] == "participating":
            first.setdefault(r["true_agreement_id"], index[r["sha256"]])
            last[r["true_agreement_id"]] = index[r["sha256"]]
    for aid, a in run.agreements.items():
        assert (a["status"] == "active") == (aid in on_newest)
        assert (a["status"] == "superseded") == bool(a["successor_id"])
        if a["successor_id"]:
            successor = run.agreements[a["successor_id"]]
            assert successor["agency_id"] == a["agency_id"]
            assert successor["model"] == a["model"]
            assert first[a["successor_id"]] > last[aid]
            assert successor["signed"] > a["signed"]
        if a["status"] in {"superseded", "removed"}:
            assert a["first_listed"] == part[first[aid]]["published"]
            assert a["last_listed"] == part[last[aid]]["published"]
            assert a["removed_by"] == part[last[aid] + 1]["published"]
        else:
            assert not a["removed_by"]
        if a["first_listed"]:
            assert a["signed"] <= a["first_listed"] <= a["last_listed"]
            assert a["printed_signed"]
        else:
            assert a["status"] in {"pending", "withdrawn"} and a["first_pending"]


def test_ids_are_stable_within_a_run(run: Run):
    agency_of: dict[str, str] = {}
    for row in run.rows:
        assert (
            agency_of.setdefault(row["true_agreement_id"], row["true_agency_id"])
            == (row["true_agency_id"])
        )
    assert all(re.fullmatch(r"agr-\d{5}", a) for a in run.agreements)
    assert all(re.fullmatch(r"agy-\d{5}", a["agency_id"]) for a in run.agreements.values())


def test_one_agreement_keeps_its_state_and_model_on_every_row(run: Run):
    for row, parsed_row in _participating_rows(run):
        agreement = run.agreements[row["true_agreement_id"]]
        assert parsed_row.model == agreement["model"]


def _participating_rows(run: Run):
    rows_by_key = {(r["sha256"], int(r["row_number"])): r for r in run.rows}
    for pub in run.distinct("participating"):
        for parsed_row in run.parsed[pub["sha256"]].rows:
            yield rows_by_key[(pub["sha256"], parsed_row.row_number)], parsed_row


# --- every quirk class occurs at the default settings ----------------------------------


def test_reader_sees_every_cell_quirk(run: Run):
    kinds: Counter[str] = Counter()
    values: dict[str, set[str]] = defaultdict(set)
    for parsed in run.parsed.values():
        for issue in parsed.all_issues():
            kinds[issue.kind] += 1
            values[issue.kind].add(issue.raw_value or "")
    for kind in (
        "whitespace",  # trailing spaces
        "curly_apostrophe",
        "error_cell",  # #N/A COUNTY
        "malformed_date",  # 05/082025
        "text_date",  # 5/8/2025 typed as text
        "impossible_date",  # year 5025
        "state_snapped",  # UTAHJ
        "safelink_unwrapped",
        "link_repaired",  # legacy http:// links
        "link_text_without_hyperlink",  # 'link | addendum' before the ADDENDUM column
        "hidden_rows",  # a saved filter
        "duplicate_row",  # an exact duplicate
        "variant_value",  # TYPE 'Municipal'
    ):
        assert kinds[kind], kind
    assert "#N/A" in values["error_cell"]
    assert any(re.fullmatch(r"\d\d/\d\d\d{4}", v) for v in values["malformed_date"])


def test_lists_change_layout_and_links_over_time(run: Run):
    part = [run.parsed[p["sha256"]] for p in run.distinct("participating")]
    with_addendum = ["addendum" in p.layout.columns for p in part]
    assert not with_addendum[0] and with_addendum[-1]
    assert with_addendum == sorted(with_addendum)  # the ADDENDUM column appears once
    assert any(r.addendum_url for p in part for r in p.rows)
    assert any(p.filtered for p in part)
    statuses: dict[str, set[str]] = defaultdict(set)
    for row, parsed_row in _participating_rows(run):
        statuses[row["true_agreement_id"]].add(parsed_row.moa_status)
    assert any({"pending", "linked"} <= s for s in statuses.values())  # link pending -> link


def test_history_holds_every_event_class(run: Run):
    events = Counter(e["event"] for e in run.events)
    for event in (
        "listed",
        "pending_listed",
        "promoted",
        "withdrawn",
        "renewed",
        "model_switch",
        "terminated",
        "renamed",
        "link_filled",
        "redated",
        "county_filled",
        "type_fixed",
        "addendum_column",
        "name_typo",
        "state_typo",
        "wrong_state",
        "duplicate",
        "near_duplicate",
        "filtered_list",
        "skipped",
        "same_name",
        "same_bytes",
    ):
        assert events[event], event
    assert any(e["captured"] == "0" for e in run.events)


def test_printed_dates_differ_from_the_truth(run: Run):
    variants = [a["printed_signed"].split("|") for a in run.agreements.values() if a["signed"]]
    assert any(len(v) > 1 for v in variants)  # re-dated
    year_typos = [
        a
        for a in run.agreements.values()
        if a["signed"]
        and any(
            v[4:] == a["signed"][4:] and int(v[:4]) == int(a["signed"][:4]) - 1
            for v in a["printed_signed"].split("|")
            if re.fullmatch(r"\d{4}-\d\d-\d\d", v)
        )
    ]
    assert year_typos


def test_rows_show_names_and_states_that_are_not_the_truth(run: Run):
    states = {a: rec["state"] for a, rec in run.agreements.items()}
    names_by_agreement: dict[str, set[str]] = defaultdict(set)
    wrong_state = near_dups = exact_dups = 0
    for pub in run.distinct("participating"):
        seen: dict[str, list[str]] = defaultdict(list)
        rows = {int(r["row_number"]): r for r in run.rows if r["sha256"] == pub["sha256"]}
        for parsed_row in run.parsed[pub["sha256"]].rows:
            aid = rows[parsed_row.row_number]["true_agreement_id"]
            names_by_agreement[aid].add(parsed_row.agency_raw)
            seen[aid].append(parsed_row.agency_raw)
            if parsed_row.state is not None and parsed_row.state != states[aid]:
                wrong_state += 1
        for spellings in seen.values():
            if len(spellings) > 1:
                near_dups += len(set(spellings)) > 1
                exact_dups += len(set(spellings)) == 1
    assert wrong_state and near_dups and exact_dups
    assert sum(len(n) > 1 for n in names_by_agreement.values()) >= 5  # renames and typos


def test_pending_names_can_differ_from_participating_names(run: Run):
    pending_names: dict[str, set[str]] = defaultdict(set)
    part_names: dict[str, set[str]] = defaultdict(set)
    by_key = {(r["sha256"], int(r["row_number"])): r for r in run.rows}
    for pub in run.distinct():
        for parsed_row in run.parsed[pub["sha256"]].rows:
            aid = by_key[(pub["sha256"], parsed_row.row_number)]["true_agreement_id"]
            target = pending_names if pub["kind"] == "pending" else part_names
            target[aid].add(parsed_row.agency_raw)
    both = [a for a in pending_names if a in part_names]
    assert both
    assert any(pending_names[a] != part_names[a] for a in both)
    assert any(pending_names[a] & part_names[a] for a in both)


def test_files_repeat_names_and_bytes(run: Run):
    names = Counter(p["file_name"] for p in run.publications)
    shas = Counter(p["sha256"] for p in run.publications)
    same_name = [n for n, c in names.items() if c > 1]
    assert same_name  # two different files under one name
    for name in same_name:
        assert len({p["sha256"] for p in run.publications if p["file_name"] == name}) > 1
    assert any(c > 1 for c in shas.values())  # the same bytes under two names
    steps = sorted({int(p["step"]) for p in run.publications})
    assert steps[-1] + 1 > len(steps)  # some steps were never captured


# --- import ---------------------------------------------------------------------------


def test_import_accepts_every_file(run: Run, importer: Importer):
    results = importer.import_paths([run.sheets])
    outcomes = Counter(r.outcome for r in results)
    assert outcomes["accepted"] == len(run.distinct())
    assert outcomes["duplicate"] == len(run.publications) - len(run.distinct())
    assert set(outcomes) <= {"accepted", "duplicate"}
    rows = {r.sha256: r.rows for r in results if r.outcome == "accepted"}
    assert rows == {p["sha256"]: int(p["rows"]) for p in run.distinct()}


# --- scoring ----------------------------------------------------------------------------


def test_the_truth_scores_perfectly(run: Run):
    rows, agreements = truth_as_prediction(run.truth)
    result = score(run.truth, rows, agreements)
    assert result.perfect
    assert result.pairwise_f1 == 1.0
    assert (
        result.labelled_rows == result.rows == sum(r["kind"] == "participating" for r in run.rows)
    )


def test_a_printed_key_baseline_scores_below_perfect(run: Run):
    rows, agreements = _printed_key_baseline(run)
    result = score(run.truth, rows, agreements)
    assert result.pairwise_recall < 0.99  # renames, typos and re-datings split agreements
    assert result.pairwise_precision > 0.99  # printed keys rarely merge two agreements
    assert result.status_accuracy < 1.0  # it never says "superseded"
    assert result.signed_accuracy < 1.0
    assert not result.perfect


def _printed_key_baseline(
    run: Run,
) -> tuple[dict[tuple[str, int], str], dict[str, PredictedAgreement]]:
    """key = exact printed (STATE, agency, SUPPORT TYPE, SIGNED)."""
    rows: dict[tuple[str, int], str] = {}
    listed: dict[str, list[date]] = defaultdict(list)
    signed: dict[str, date | None] = {}
    newest = run.distinct("participating")[-1]["sha256"]
    current: set[str] = set()
    for pub in run.distinct("participating"):
        published = date.fromisoformat(pub["published"])
        for r in run.parsed[pub["sha256"]].rows:
            key = "|".join((r.state_raw, r.agency_raw, r.support_raw or "", r.signed_raw or ""))
            rows[(pub["sha256"], r.row_number)] = key
            listed[key].append(published)
            signed[key] = r.signed
            if pub["sha256"] == newest:
                current.add(key)
    agreements = {
        key: PredictedAgreement(
            "active" if key in current else "removed", signed[key], min(days), max(days)
        )
        for key, days in listed.items()
    }
    return rows, agreements


def test_pairwise_scores_come_from_contingency_counts(tmp_path: Path):
    truth = tmp_path / "truth"
    truth.mkdir()
    with open(truth / "rows.csv", "w", encoding="utf-8") as handle:
        handle.write("sha256,file_name,row_number,true_agreement_id,true_agency_id,kind\n")
        for n, agreement in enumerate(["A", "A", "A", "B", "B", "C"], start=2):
            handle.write(f"s,f.xlsx,{n},{agreement},g,participating\n")
        handle.write("s2,p.xlsx,2,D,g,pending\n")  # pending rows are not scored
    with open(truth / "agreements.csv", "w", encoding="utf-8") as handle:
        handle.write("true_agreement_id,status,signed,first_listed,last_listed\n")
        handle.write("A,active,2025-01-01,2025-05-16,2025-05-16\n")
        handle.write("B,removed,2025-01-02,2025-05-16,2025-05-16\n")
        handle.write("C,superseded,2025-01-03,2025-05-16,2025-05-16\n")
        handle.write("D,pending,,,\n")
    # predicted: {A,A,B} {A} {B,C}; row 7 (C) unlabelled -> its own singleton
    predicted = {("s", 2): "x", ("s", 3): "x", ("s", 5): "x", ("s", 4): "y", ("s", 6): "z"}
    result = score(
        truth,
        predicted,
        {
            "x": PredictedAgreement("Active", date(2025, 1, 1), date(2025, 5, 16), None),
            "z": PredictedAgreement("removed", date(2025, 1, 3)),
        },
    )
    # true pairs: C(3,2) + C(2,2) = 4; predicted: C(3,2) = 3 (x); common: (2,3) = 1
    assert (result.true_pairs, result.predicted_pairs, result.common_pairs) == (4, 3, 1)
    assert result.pairwise_precision == pytest.approx(1 / 3)
    assert result.pairwise_recall == pytest.approx(1 / 4)
    assert (result.rows, result.labelled_rows, result.agreements) == (6, 5, 3)
    # A -> x (2 rows), B -> x or z (1 each: the smaller id, x), C -> unlabelled
    assert result.status_accuracy == pytest.approx(1 / 3)  # A right, B wrong (x says active)
    assert result.signed_accuracy == pytest.approx(1 / 3)
    assert result.first_listed_accuracy == pytest.approx(2 / 3)
    assert result.last_listed_accuracy == 0.0


def test_small_configurations_work(tmp_path: Path):
    summary = simulate(
        tmp_path / "small",
        seed=7,
        publications=3,
        agreements=5,
        pending=False,
        config=SimulationConfig(ensure_each=False),
    )
    assert summary.participating_files == 3
    assert summary.pending_files == 0
    assert not list((tmp_path / "small" / "sheets").rglob("pending*"))
    with pytest.raises(ValueError):
        simulate(tmp_path / "none", publications=0)
