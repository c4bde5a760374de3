"""The state policy layer: data invariants, loader errors, as-of logic and conflict rules."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from g287.enrich.conflicts import covers, missing_mandated, prohibited_agreements
from g287.enrich.policy import (
    APPLIES_TO,
    COLUMNS,
    RULE_LIMITED,
    RULE_MISSING_COUNTY,
    RULE_MISSING_STATE,
    RULE_PROHIBITED,
    STATES,
    AgreementFact,
    Jurisdiction,
    PolicyRecord,
    default_policy_path,
    load_policies,
    parse_policy_date,
    policies_in_force,
    stance_as_of,
)
from g287.errors import InputError, InvalidQuery


def rec(
    id: str = "xx-test",
    state: str = "FL",
    stance: str = "prohibits",
    applies_to: tuple[str, ...] = ("all_agencies",),
    effective: str = "2025-02-13",
    *,
    obligation: str | None = None,
    signed: str | None = None,
    deadline: str | None = None,
    ends: str | None = None,
) -> PolicyRecord:
    def maybe(text: str | None):  # type: ignore[no-untyped-def]
        return None if text is None else parse_policy_date(text)

    if stance == "mandates" and obligation is None:
        obligation = "enter"
    return PolicyRecord(
        id=id,
        state=state,
        instrument=f"Test Act {id}",
        kind="statute",
        stance=stance,
        applies_to=applies_to,
        obligation=obligation,
        signed=maybe(signed),
        effective=parse_policy_date(effective),
        deadline=maybe(deadline),
        ends=maybe(ends),
        summary="test",
        sources=("https://example.org/act",),
        last_checked=date(2026, 11, 27),
        confidence="high",
        notes="",
    )


def agreement(
    id: str = "a1",
    state: str = "FL",
    level: str = "county",
    fips: tuple[str, ...] = ("12001",),
    agency: str = "Alachua County Sheriff's Office",
    start: date | None = None,
    end: date | None = None,
) -> AgreementFact:
    return AgreementFact(id, agency, state, level, "WSO", fips, start, end)


D = date.fromisoformat


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "last", "precision"),
    [
        ("2025-02-13", "2025-02-13", "2025-02-13", "day"),
        ("2025-04", "2025-04-01", "2025-04-30", "month"),
        ("2024-02", "2024-02-01", "2024-02-29", "month"),
        ("2026-12", "2026-12-01", "2026-12-31", "month"),
        ("2019", "2019-01-01", "2019-12-31", "year"),
    ],
)
def test_policy_dates_keep_their_precision(
    text: str, first: str, last: str, precision: str
) -> None:
    parsed = parse_policy_date(text)
    assert (parsed.first, parsed.last, parsed.precision) == (D(first), D(last), precision)
    assert str(parsed) == text


@pytest.mark.parametrize("text", ["2025-13-01", "2025-02-30", "13/02/2025", "2025-2-1", "soon"])
def test_bad_policy_dates_are_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="not"):
        parse_policy_date(text)


def test_imprecise_effective_date_never_starts_before_signing() -> None:
    assert rec(effective="2019", signed="2019-05-28").starts == D("2019-05-28")
    assert rec(effective="2026-07", signed="2026-01-11").starts == D("2026-07-01")


# --- the bundled file ----------------------------------------------------------------------------


def test_bundled_file_invariants() -> None:
    records = load_policies()
    assert len(records) >= 20
    assert len({r.id for r in records}) == len(records)
    for r in records:
        assert r.state in STATES
        assert r.sources and all(u.startswith(("https://", "http://")) for u in r.sources)
        assert r.last_checked == D("2026-11-27")
        assert set(r.applies_to) <= set(APPLIES_TO)
        if r.signed is not None:
            assert r.effective.last >= r.signed.first, r.id
        if r.ends is not None:
            assert r.ends.first > r.starts, r.id
        assert (r.obligation is not None) == (r.stance == "mandates"), r.id
    with default_policy_path().open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for field in ("signed", "effective", "deadline", "ends", "last_checked"):
            if row[field]:
                parse_policy_date(row[field])  # ISO, possibly month/year precision


def test_bundled_file_covers_the_states_users_ask_about() -> None:
    by_id = {r.id: r for r in load_policies()}
    stances = {(r.state, r.stance) for r in by_id.values()}
    for state in ("FL", "TX", "GA", "AR"):
        assert (state, "mandates") in stances
    for state in ("CA", "IL", "NJ", "WA", "OR", "DE", "MD", "NM"):
        assert (state, "prohibits") in stances
    sb8 = by_id["tx-sb8-2025"]
    assert (sb8.effective.first, sb8.deadline and sb8.deadline.first) == (
        D("2026-01-01"),
        D("2026-12-01"),
    )
    assert sb8.applies_to == ("county_sheriffs",)


def test_default_load_is_cached_but_returns_a_fresh_list() -> None:
    first, second = load_policies(), load_policies()
    assert first == second and first is not second
    assert first[0] is second[0]
    first.clear()
    assert load_policies()


def test_explicit_path_is_read_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(default_policy_path().read_text(encoding="utf-8"), encoding="utf-8")
    assert [r.id for r in load_policies(path)] == [r.id for r in load_policies()]


# --- loader errors -------------------------------------------------------------------------------

GOOD = {
    "id": "xx-good",
    "state": "TX",
    "instrument": "SB 1",
    "kind": "statute",
    "stance": "mandates",
    "applies_to": "county_sheriffs",
    "obligation": "enter",
    "signed": "2025-06-20",
    "effective": "2026-01-01",
    "deadline": "2026-12-01",
    "ends": "",
    "summary": "Sheriffs must enter 287(g).",
    "sources": "https://example.org/a | https://example.org/b",
    "last_checked": "2026-11-27",
    "confidence": "high",
    "notes": "",
}


def write(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_good_row_loads(tmp_path: Path) -> None:
    (record,) = load_policies(write(tmp_path / "p.csv", [GOOD]))
    assert record.sources == ("https://example.org/a", "https://example.org/b")
    assert record.row == 2 and record.obligation == "enter"


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("id", "Bad Id", "'Bad Id' is not a lowercase slug"),
        ("state", "XX", "'XX' is not a USPS state code"),
        ("kind", "law", "'law' is not one of"),
        ("stance", "bans", "'bans' is not one of"),
        ("applies_to", "county_sheriffs | sheriffs", "'sheriffs' is not one of"),
        ("obligation", "", "'' is not one of"),
        ("effective", "", "required"),
        ("effective", "2026-13-01", "'2026-13-01' is not a real date"),
        ("signed", "01/02/2025", "'01/02/2025' is not YYYY-MM-DD"),
        ("deadline", "2025-12-31", "2025-12-31 is before effective 2026-01-01"),
        ("ends", "2026-01-01", "2026-01-01 is not after effective 2026-01-01"),
        ("last_checked", "2026-11", "must be a full YYYY-MM-DD date"),
        ("sources", "", "at least one URL is required"),
        ("sources", "https://example.org/a | example.org/b", "'example.org/b' is not an http(s)"),
        ("summary", "", "required"),
        ("confidence", "sure", "'sure' is not one of"),
    ],
)
def test_bad_rows_name_row_and_field(tmp_path: Path, field: str, value: str, reason: str) -> None:
    path = write(tmp_path / "p.csv", [GOOD, {**GOOD, "id": "xx-bad", field: value}])
    with pytest.raises(InputError) as caught:
        load_policies(path)
    assert caught.value.source == str(path)
    assert caught.value.message.startswith(f"row 3, field {field}: {reason}")
    assert "\n" not in str(caught.value)


def test_effective_before_signed_is_reported_on_effective(tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", [{**GOOD, "signed": "2026-02-01"}])
    with pytest.raises(InputError, match="row 2, field effective: 2026-01-01 is before signed"):
        load_policies(path)


def test_obligation_is_only_for_mandates(tmp_path: Path) -> None:
    path = write(
        tmp_path / "p.csv", [{**GOOD, "stance": "prohibits", "applies_to": "all_agencies"}]
    )
    with pytest.raises(InputError, match="row 2, field obligation: only mandates carry"):
        load_policies(path)


def test_duplicate_ids_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="row 3, field id: duplicate id 'xx-good'"):
        load_policies(write(tmp_path / "p.csv", [GOOD, GOOD]))


def test_missing_column_and_extra_cells(tmp_path: Path) -> None:
    short = tuple(c for c in COLUMNS if c != "sources")
    with pytest.raises(InputError, match="row 1, field sources: column missing from header"):
        load_policies(write(tmp_path / "a.csv", [GOOD], short))
    path = write(tmp_path / "b.csv", [GOOD])
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + ",extra\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 2, field columns: more cells than the header"):
        load_policies(path)


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read policy file") as caught:
        load_policies(tmp_path / "missing.csv")
    assert caught.value.source == str(tmp_path / "missing.csv")


# --- in force, stance ----------------------------------------------------------------------------


def test_in_force_boundaries_and_repeal() -> None:
    eo = rec("va-eo", "VA", "mandates", ("state_agencies",), "2025-02-27", ends="2026-01-17")
    for day, expected in [
        ("2025-02-26", []),
        ("2025-02-27", ["va-eo"]),
        ("2026-01-16", ["va-eo"]),
        ("2026-01-17", []),
    ]:
        assert [r.id for r in policies_in_force("va", D(day), [eo])] == expected


def test_in_force_orders_by_start_and_rejects_unknown_states() -> None:
    late, early = rec("b-late", effective="2025-02-13"), rec("a-early", effective="2022-06-17")
    assert [r.id for r in policies_in_force("FL", D("2026-01-01"), [late, early])] == [
        "a-early",
        "b-late",
    ]
    with pytest.raises(InvalidQuery, match="unknown state 'Texas'"):
        policies_in_force("Texas", D("2026-01-01"), [])


@pytest.mark.parametrize(
    ("records", "stance"),
    [
        ([], "none"),
        ([rec(stance="encourages", applies_to=("local_agencies",))], "encourages"),
        ([rec(stance="mandates", applies_to=("county_jails",))], "mandates"),
        (
            [
                rec("a", stance="mandates", applies_to=("county_jails",)),
                rec("b", stance="encourages", applies_to=("local_agencies",)),
            ],
            "mandates",
        ),
        ([rec(stance="limits")], "limits"),
        ([rec(stance="prohibits")], "prohibits"),
        ([rec(stance="prohibits", applies_to=("state_agencies",))], "partial"),
        ([rec(stance="prohibits", applies_to=("local_agencies",))], "partial"),
        (
            [
                rec("a", applies_to=("local_agencies",)),
                rec("b", applies_to=("state_agencies",)),
            ],
            "prohibits",
        ),
        (
            [
                rec("a", stance="limits"),
                rec("b", stance="mandates", applies_to=("county_sheriffs",)),
            ],
            "partial",
        ),
    ],
)
def test_stance_combination(records: list[PolicyRecord], stance: str) -> None:
    result = stance_as_of("FL", D("2026-01-01"), records)
    assert result.stance == stance
    assert [r.id for r in result.records] == sorted(r.id for r in records)


def test_real_timelines() -> None:
    expected = {
        ("VA", "2025-02-26"): "none",
        ("VA", "2025-02-27"): "mandates",
        ("VA", "2026-01-17"): "none",
        ("VA", "2026-02-04"): "partial",
        ("MD", "2026-02-16"): "none",
        ("MD", "2026-02-17"): "prohibits",
        ("NJ", "2019-06-01"): "limits",
        ("NJ", "2019-09-27"): "prohibits",
        ("TX", "2025-12-31"): "none",
        ("TX", "2026-01-01"): "mandates",
        ("CA", "2017-12-31"): "none",
        ("CA", "2018-01-01"): "prohibits",
        ("WY", "2026-11-27"): "none",
    }
    for (state, day), stance in expected.items():
        assert stance_as_of(state, D(day)).stance == stance, (state, day)
    explained = stance_as_of("VA", D("2026-02-04"))
    assert "state_agencies" in explained.explanation and "Executive Directive 1" in (
        explained.explanation
    )


# --- prohibited agreements -----------------------------------------------------------------------


def test_ban_flags_active_covered_agreements_only() -> None:
    ban = rec("md-ban", "MD", effective="2026-02-17")
    held = agreement("md-1", "MD", fips=("24021",), agency="Frederick County Sheriff's Office")
    (found,) = prohibited_agreements([held], D("2026-02-17"), [ban])
    assert (found.rule, found.status, found.policy_id, found.agreement_id, found.state) == (
        RULE_PROHIBITED,
        "conflict",
        "md-ban",
        "md-1",
        "MD",
    )
    assert "Frederick County Sheriff's Office" in found.explanation
    assert "Test Act md-ban" in found.explanation
    assert prohibited_agreements([held], D("2026-02-16"), [ban]) == []
    ended = agreement("md-2", "MD", end=D("2026-02-17"))
    later = agreement("md-3", "MD", start=D("2026-03-01"))
    elsewhere = agreement("fl-1", "FL")
    assert prohibited_agreements([ended, later, elsewhere], D("2026-02-17"), [ban]) == []


def test_partial_scope_ban_covers_state_agencies_only() -> None:
    directive = rec("va-ed1", "VA", applies_to=("state_agencies",), effective="2026-02-04")
    sheriff = agreement("va-county", "VA", fips=("51059",))
    police = agreement("va-state", "VA", level="state", fips=(), agency="Virginia State Police")
    found = prohibited_agreements([sheriff, police], D("2026-02-05"), [directive])
    assert [c.agreement_id for c in found] == ["va-state"]


def test_ban_wind_down_until_deadline() -> None:
    ban = rec("de-ban", "DE", effective="2025-07-14", deadline="2025-08-13")
    old = agreement("de-old", "DE", fips=("10001",), start=D("2025-05-01"))
    unknown_start = agreement("de-unknown", "DE", fips=("10001",))
    new = agreement("de-new", "DE", fips=("10001",), start=D("2025-07-20"))
    statuses = {
        c.agreement_id: c.status
        for c in prohibited_agreements([old, unknown_start, new], D("2025-08-12"), [ban])
    }
    assert statuses == {"de-old": "not_yet_due", "de-unknown": "not_yet_due", "de-new": "conflict"}
    after = prohibited_agreements([old], D("2025-08-13"), [ban])
    assert [c.status for c in after] == ["conflict"]


def test_limits_give_review_and_repealed_bans_nothing() -> None:
    limit = rec("vt-act5", "VT", stance="limits", effective="2017-03-28")
    repealed = rec("vt-old", "VT", effective="2010-01-01", ends="2017-03-28")
    held = agreement("vt-1", "VT", level="municipal", fips=("50007",))
    found = prohibited_agreements([held], D("2026-01-01"), [limit, repealed])
    assert [(c.rule, c.status, c.policy_id) for c in found] == [(RULE_LIMITED, "review", "vt-act5")]
    assert [c.policy_id for c in prohibited_agreements([held], D("2017-03-27"), [repealed])] == [
        "vt-old"
    ]


def test_state_corrections_scope_matches_by_name() -> None:
    mandate = rec("ar", "AR", "mandates", ("state_corrections",), obligation="apply")
    doc = agreement("ar-doc", "AR", "state", (), agency="Arkansas Division of Correction")
    asp = agreement("ar-asp", "AR", "state", (), agency="Arkansas State Police")
    assert covers(mandate, doc) and not covers(mandate, asp)


def test_unknown_agreement_level_is_rejected() -> None:
    with pytest.raises(InvalidQuery, match="unknown level 'sheriff'"):
        agreement(level="sheriff")


def test_real_file_prohibitions() -> None:
    frederick = agreement("md-fred", "MD", fips=("24021",), agency="Frederick County SO")
    assert prohibited_agreements([frederick], D("2026-02-16")) == []
    (md,) = prohibited_agreements([frederick], D("2026-02-17"))
    assert (md.policy_id, md.status) == ("md-hb444-sb245-2026", "conflict")
    vsp = agreement("va-vsp", "VA", "state", (), agency="Virginia State Police")
    county = agreement("va-cty", "VA", fips=("51061",), agency="Fauquier County SO")
    assert [c.policy_id for c in prohibited_agreements([vsp, county], D("2026-02-04"))] == [
        "va-ed1-2026"
    ]
    assert prohibited_agreements([county], D("2026-06-30")) == []
    later = prohibited_agreements([county], D("2026-07-01"))
    assert [(c.policy_id, c.status) for c in later] == [("va-sb783-2026", "review")]


# --- missing mandated agreements -----------------------------------------------------------------

ALACHUA = Jurisdiction("12001", "FL", "Alachua County")
BAKER = Jurisdiction("12003", "FL", "Baker County")


def test_mandate_deadline_boundaries() -> None:
    law = rec("fl-22", "FL", "mandates", ("county_jails",), "2022-06-17", deadline="2023-01-01")
    held = [agreement("fl-1", fips=("12001",))]

    def found(day: str) -> list[tuple[str | None, str]]:
        return [
            (c.county_fips, c.status)
            for c in missing_mandated([ALACHUA, BAKER], held, D(day), [law])
        ]

    assert found("2022-06-16") == []
    assert found("2022-06-17") == [("12003", "not_yet_due")]
    assert found("2022-12-31") == [("12003", "not_yet_due")]
    assert found("2023-01-01") == [("12003", "conflict")]
    (conflict,) = missing_mandated([BAKER], [], D("2023-01-01"), [law])
    assert conflict.rule == RULE_MISSING_COUNTY and conflict.policy_id == "fl-22"
    assert conflict.jurisdiction == "Baker County" and "Baker County (12003)" in (
        conflict.explanation
    )


def test_which_agreements_satisfy_a_county_mandate() -> None:
    jails = rec("jails", "FL", "mandates", ("county_jails",))
    sheriffs = rec("sheriffs", "FL", "mandates", ("county_sheriffs",))
    day = D("2026-01-01")
    corrections = agreement("c", level="corrections_facility", fips=("12001",))
    assert missing_mandated([ALACHUA], [corrections], day, [jails]) == []
    assert len(missing_mandated([ALACHUA], [corrections], day, [sheriffs])) == 1
    for miss in (
        agreement("other-county", fips=("12003",)),
        agreement("other-state", state="GA", fips=("12001",)),
        agreement("city", level="municipal", fips=("12001",)),
        agreement("ended", fips=("12001",), end=D("2025-12-31")),
    ):
        assert len(missing_mandated([ALACHUA], [miss], day, [jails])) == 1, miss.agreement_id


def test_apply_duties_are_unconfirmed_and_jail_less_counties_skipped() -> None:
    law = rec("ga", "GA", "mandates", ("county_jails",), "2024-05-01", obligation="apply")
    places = [
        Jurisdiction("13001", "GA", "Appling County"),
        Jurisdiction("13003", "GA", "X", False),
    ]
    found = missing_mandated(places, [], D("2025-01-01"), [law])
    assert [(c.county_fips, c.status) for c in found] == [("13001", "unconfirmed")]


def test_overlapping_mandates_give_one_finding_from_the_most_severe() -> None:
    due = rec("due", "FL", "mandates", ("county_jails",), "2025-02-13")
    later = rec("later", "FL", "mandates", ("county_jails",), "2025-06-01", deadline="2027-01-01")
    (found,) = missing_mandated([BAKER], [], D("2026-01-01"), [due, later])
    assert (found.policy_id, found.status) == ("due", "conflict")
    repealed = rec("gone", "FL", "mandates", ("county_jails",), "2020-01-01", ends="2021-01-01")
    assert missing_mandated([BAKER], [], D("2021-01-01"), [repealed]) == []


def test_state_scoped_mandates() -> None:
    law = rec("ar", "AR", "mandates", ("county_sheriffs", "state_corrections"), obligation="apply")
    pulaski = Jurisdiction("05119", "AR", "Pulaski County")
    asp = agreement("asp", "AR", "state", (), agency="Arkansas State Police")
    doc = agreement("doc", "AR", "state", (), agency="Arkansas Division of Correction")
    day = D("2026-01-01")
    rules = [(c.rule, c.jurisdiction) for c in missing_mandated([pulaski], [asp], day, [law])]
    assert rules == [
        (RULE_MISSING_STATE, "AR state_corrections"),
        (RULE_MISSING_COUNTY, "Pulaski County"),
    ]
    assert [c.rule for c in missing_mandated([pulaski], [doc], day, [law])] == [RULE_MISSING_COUNTY]
    # a state agency listed under the county does not satisfy the county part
    doc_here = agreement("doc", "AR", "state", ("05119",), agency="Arkansas Division of Correction")
    assert [c.rule for c in missing_mandated([pulaski], [doc_here], day, [law])] == [
        RULE_MISSING_COUNTY
    ]
    # only the states of the jurisdictions passed are checked
    assert missing_mandated([ALACHUA], [], day, [law]) == []


def census_counties(*states: str) -> list[Jurisdiction]:
    """The counties g287 ships (Census county list, in the package)."""
    from g287.enrich.geo import counties

    return [Jurisdiction(c.fips, c.state, c.name) for c in counties() if c.state in states]


def test_real_mandates_over_census_counties() -> None:
    places = census_counties("FL", "TX")
    assert len(places) == 67 + 254
    fl_county = agreement("fl-1", fips=("12001",))
    found = missing_mandated(places, [fl_county], D("2026-11-27"))
    by_state = {
        state: {(c.policy_id, c.status) for c in found if c.state == state}
        for state in ("FL", "TX")
    }
    assert by_state == {
        "FL": {("fl-sb2c-2025", "conflict")},
        "TX": {("tx-sb8-2025", "not_yet_due")},
    }
    assert sum(c.state == "FL" for c in found) == 66
    assert sum(c.state == "TX" for c in found) == 254
    after = missing_mandated(places, [], D("2026-12-01"))
    assert {(c.state, c.status) for c in after} == {("FL", "conflict"), ("TX", "conflict")}
    assert {c.state for c in missing_mandated(places, [], D("2025-12-31"))} == {"FL"}
