"""Identity tiers, lineage and pending rules on small hand-made histories."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from g287.errors import InputError
from g287.resolve.fixes import Curated, load_curated
from g287.resolve.identity import resolve_identities
from g287.resolve.lineage import build_history
from g287.resolve.model import Obs
from g287.resolve.names import canonical
from g287.resolve.presence import Presence

D0 = date(2025, 5, 1)
DATES = {i: D0 + timedelta(days=3 * i) for i in range(1, 60)}
NONE = Curated()


def obs(
    name,
    seqs,
    *,
    state="FL",
    model="TFM",
    signed=date(2025, 4, 1),
    url=None,
    status=None,
    cid=None,
    printed_state=None,
    county=None,
):
    return Obs(
        content_id=cid or f"{name}|{state}|{model}|{signed}|{url}|{min(seqs)}",
        kind="participating",
        state=state,
        model=model,
        signed=signed,
        name=name,
        canon=canonical(name, state),
        presence=Presence.of(seqs),
        printed_state=printed_state or state,
        printed_signed=signed,
        linked=url is not None or status == "linked",
        moa_key=url.rsplit("/", 1)[-1].lower().replace("_", "").replace(".", "") if url else None,
        moa_url=url,
        moa_status="linked" if url else (status or "pending"),
        county=county,
        type=None,
    )


def resolve(observations, newest, curated=NONE):
    ident = resolve_identities(observations, curated, newest, DATES)
    return ident, build_history(ident, curated, newest, DATES)


def groups(ident):
    return sorted(sorted({ident.listings[i].canon for i in g}) for g in ident.groups)


def test_typo_merges_only_when_windows_do_not_overlap():
    seq_a, seq_b = range(1, 6), range(6, 11)
    ident, _ = resolve(
        [obs("Sebring Police Department", seq_a), obs("Sebrng Police Department", seq_b)], 10
    )
    assert len(ident.groups) == 1 and ident.rules[0] == {"typo"}
    both = range(1, 11)  # two real agencies listed side by side never merge
    ident, _ = resolve(
        [obs("Sebring Police Department", both), obs("Sebrng Police Department", both)], 10
    )
    assert len(ident.groups) == 2
    assert ident.candidates == []  # printed side by side: not even a candidate for review


def test_rows_printed_side_by_side_never_merge_even_when_one_is_dominated():
    ident, _ = resolve(
        [obs("Sebring Police Department", range(1, 21)), obs("Sebrng Police Department", [5, 6])],
        20,
    )
    assert len(ident.groups) == 2
    # the same look-alike printed only after the other left is one agreement
    ident, _ = resolve(
        [obs("Sebring Police Department", range(1, 21)), obs("Sebrng Police Department", [21])],
        21,
    )
    assert len(ident.groups) == 1


def test_co_listed_agencies_whose_names_nest_never_merge_through_a_chain():
    """A state department and its division are printed side by side; the division is then
    renamed (same MOA file). The rename is one agreement; nothing joins it to the
    department, and no candidate proposes that it should."""
    url = "https://www.ice.gov/doclib/287gMOA/FDLEOfficeStatewideIntelligenceFL_TFM_MOA.pdf"
    department = obs("Florida Department of Law Enforcement", range(1, 21))
    division = obs(
        "Florida Department of Law Enforcement Office of Statewide Intelligence",
        range(1, 11),
        url=url,
    )
    renamed = obs("Office of Statewide Intelligence", range(11, 21), url=url)
    ident, history = resolve([department, division, renamed], 20)
    assert groups(ident) == [
        [department.canon],
        sorted([division.canon, renamed.canon]),
    ]
    on_list = [sum(1 for a in history.agreements if s in a.presence) for s in (5, 15)]
    assert on_list == [2, 2]
    assert not any(c.suggestion == "same" for c in ident.candidates)


def test_a_merge_that_would_join_two_co_listed_agencies_is_blocked():
    """Two agencies hold JEM agreements side by side; a TFM row moving from one name to the
    other (same MOA file) would make them one agency: the rename is refused and reported."""
    url = "https://www.ice.gov/doclib/287gMOA/CollierCoSheriffsOfficeFL_TFM_MOA.pdf"
    rows = [
        obs("Collier County Sheriff's Office", range(1, 21), model="JEM"),
        obs("Collier County Jail", range(1, 21), model="JEM"),
        obs("Collier County Sheriff's Office", range(1, 11), url=url),
        obs("Collier County Jail", range(11, 21), url=url),
    ]
    ident, history = resolve(rows, 20)
    assert len(ident.groups) == 4
    assert len(history.agencies) == 2
    assert [c.kind for c in ident.candidates] == ["blocked_rename"]


@pytest.mark.parametrize(("county", "joined"), [("Crittenden", True), ("Mississippi", False)])
def test_a_typo_on_one_agreement_beside_the_agencys_other_one(county, joined):
    """ICE misspells one agreement's row for two lists while printing the same agency's JEM
    agreement right beside it: one agency (same county), unless the counties differ."""
    rows = [
        obs("Crittenden County Sheriff's Office", range(1, 21), model="JEM", county="Crittenden"),
        obs(
            "Crittenden County Sheriff's Office",
            [*range(1, 8), *range(10, 21)],
            county="Crittenden",
        ),
        obs("Crittenden County Sheriff's Officu", [8, 9], county=county),
    ]
    ident, history = resolve(rows, 20)
    assert len(ident.groups) == (2 if joined else 3)
    assert len(history.agencies) == (1 if joined else 2)
    typo = [d for d in ident.decisions if d.rule == "typo"]
    if joined:
        (decision,) = typo
        assert decision.evidence["co_listed_spellings"] == sorted(
            canonical(r.name, "FL") for r in rows[1:]
        )
    else:
        assert not typo and [c.kind for c in ident.candidates] == ["blocked_typo"]


@pytest.mark.parametrize(
    ("lists", "county", "folded"),
    [
        ([9], "Brevard", True),
        ([9, 10], "Brevard", True),
        ([9], None, False),
        ([3, 25], "Brevard", False),
    ],
)
def test_a_misprinted_second_row_beside_the_agreements_own_row(lists, county, folded):
    """On one list ICE printed the agreement twice, once with a transposition: a duplicate
    (folded, recorded), unless the county is unknown or the spelling recurs elsewhere."""
    own = obs("Melbourne Police Department", range(1, 21), county=county and "Brevard")
    misprint = obs("Melbourne Polcie Department", lists, county=county)
    ident, _ = resolve([own, misprint], 20)
    assert len(ident.groups) == (1 if folded else 2)
    rules = [d.rule for d in ident.decisions]
    assert rules == (["near_duplicate"] if folded else [])


def test_a_relabel_across_counties_is_refused():
    old = obs("Lynn County Sheriff's Office", range(1, 6), state="TX", county="Lynn County")
    new = obs("Harris County Constable", range(6, 11), state="TX", county="Harris County")
    ident, _ = resolve([old, new], 10)
    assert len(ident.groups) == 2
    assert [c.kind for c in ident.candidates] == ["blocked_relabel"]
    same_county = obs("Lynn County Constable", range(6, 11), state="TX", county="Lynn County ")
    ident, _ = resolve([old, same_county], 10)
    assert len(ident.groups) == 1 and ident.rules[0] == {"relabel"}


@pytest.mark.parametrize(
    ("printed", "read", "rule"),
    [
        (date(5025, 4, 1), date(2025, 4, 1), "impossible_date_corrected"),
        (date(2205, 4, 1), date(2025, 4, 1), "impossible_date_corrected"),
        (date(7777, 12, 31), date(7777, 12, 31), "impossible_date_kept"),
    ],
)
def test_an_impossible_date_is_carried_and_corrected_by_rule(printed, read, rule):
    ident, history = resolve([obs("Polk County Sheriff's Office", range(1, 6), signed=printed)], 5)
    assert not ident.unresolved
    (agreement,) = history.agreements
    assert agreement.signed == read and agreement.status == "active"
    assert [d.rule for d in ident.decisions] == [rule]


def test_distinct_alias_vetoes_a_merge(tmp_path):
    folder = tmp_path / "curated"
    folder.mkdir()
    (folder / "fixes.csv").write_text("state,agency,model,signed,field,fixed,reason,evidence\n")
    (folder / "aliases.csv").write_text(
        "state,alias_agency,canonical_agency,relation,scope,reason,evidence\n"
        "FL,Sebrng Police Department,Sebring Police Department,distinct,identity,two towns,test\n"
    )
    curated = load_curated(folder)
    ident, _ = resolve(
        [
            obs("Sebring Police Department", range(1, 6)),
            obs("Sebrng Police Department", range(6, 11)),
        ],
        10,
        curated,
    )
    assert len(ident.groups) == 2


def test_modifier_and_rename_by_shared_moa_file():
    url = "https://www.ice.gov/doclib/287gMOA/OkaloosaCoSheriffsOfficeFL_WSO_MOA_02262025.pdf"
    ident, _ = resolve(
        [
            obs("Okaloosa County Sheriff's Office", range(1, 6), url=url),
            obs("Okaloosa County Department of Corrections", range(6, 11), url=url),
        ],
        10,
    )
    assert len(ident.groups) == 1 and ident.rules[0] == {"rename"}
    # without the shared file, two names on adjacent lists stay apart (and the old one is removed)
    ident, _ = resolve(
        [
            obs("Okaloosa County Sheriff's Office", range(1, 6), url=url),
            obs(
                "Okaloosa County Department of Corrections",
                range(6, 11),
                url=url.replace("Sheriffs", "X"),
            ),
        ],
        10,
    )
    assert len(ident.groups) == 2


def test_date_correction_when_the_moa_is_posted():
    url = "https://www.ice.gov/doclib/287gMOA/LaramieCoSheriffsOfficeWY_TFM_MOA_06112025.pdf"
    ident, history = resolve(
        [
            obs(
                "Laramie County Sheriff's Office", range(1, 6), state="WY", signed=date(2025, 6, 12)
            ),
            obs(
                "Laramie County Sheriff's Office",
                range(6, 11),
                state="WY",
                signed=date(2025, 6, 11),
                url=url,
            ),
        ],
        10,
    )
    (agreement,) = history.agreements
    assert agreement.id == "WY-laramie-county-sheriff-office#TFM#2025-06-12"  # minted first, stays
    assert agreement.signed == date(2025, 6, 11) and agreement.resolution == "date_corrected"
    assert ident.decisions[-1].evidence["rule"] == "link_pending_then_posted"


def test_a_linked_agreement_replaced_under_a_new_date_is_a_renewal():
    old = "https://www.ice.gov/doclib/287gMOA/287gJEM_KnoxCoTN_2020-06-08.pdf"
    new = "https://www.ice.gov/doclib/287gMOA/KnoxCoSheriffsOfficeTN_JEM_MOA_05012025.pdf"
    _, history = resolve(
        [
            obs(
                "Knox County Sheriff's Office",
                range(1, 6),
                state="TN",
                model="JEM",
                signed=date(2020, 6, 8),
                url=old,
            ),
            obs(
                "Knox County Sheriff's Office",
                range(6, 11),
                state="TN",
                model="JEM",
                signed=date(2025, 5, 1),
                url=new,
            ),
        ],
        10,
    )
    first, second = sorted(history.agreements, key=lambda a: a.first_signed)
    assert (first.status, first.successor_id) == ("superseded", second.id)
    assert second.status == "active" and second.predecessor_id == first.id


def test_removal_flags():
    _, history = resolve(
        [
            obs(
                "Butler County Sheriff's Office",
                range(1, 4),
                state="PA",
                model="WSO",
                signed=date(2025, 5, 22),
            ),
            obs(
                "Butler County Sheriff's Office",
                range(8, 11),
                state="PA",
                model="TFM",
                signed=date(2025, 6, 12),
            ),
            obs(
                "Walworth County Sheriff's Office",
                range(1, 10),
                state="WI",
                model="WSO",
                url="https://www.ice.gov/doclib/287gMOA/WalworthCoSheriffsOfficeWI_WSO_MOA_06122025.pdf",
            ),
        ],
        10,
    )
    flags = {(a.name, a.model): (a.status, a.removal_flag) for a in history.agreements}
    assert flags[("Butler County Sheriff's Office", "WSO")] == ("removed", "model_switch")
    assert flags[("Butler County Sheriff's Office", "TFM")] == ("active", None)
    assert flags[("Walworth County Sheriff's Office", "WSO")] == (
        "removed",
        "missing_from_newest_list_only",
    )


def test_one_missing_list_is_a_gap_not_a_removal():
    _, history = resolve([obs("Polk County Sheriff's Office", [1, 2, 3, 5, 6], cid="a")], 6)
    (a,) = history.agreements
    assert a.status == "active" and a.presence.gaps == [(4, 4)]


def test_wrong_state_stretch_moves_the_short_run():
    ident, history = resolve(
        [
            obs("Finney County Sheriff's Office", range(1, 30), state="KS", cid="ks"),
            obs(
                "Finney County Sheriff's Office",
                [30, 31, 32],
                state="TX",
                cid="tx",
                printed_state="TX",
            ),
            obs("Finney County Sheriff's Office", range(33, 40), state="KS", cid="ks2"),
        ],
        39,
    )
    assert len(history.agreements) == 1 and history.agreements[0].state == "KS"
    assert ident.decisions[0].rule == "wrong_state_stretch"


def test_rows_without_a_date_are_kept_and_reported():
    ident, _ = resolve([obs("Polk County Sheriff's Office", [1], signed=None)], 1)
    assert ident.groups == [] and ident.unresolved[0][1] == "no usable signing date"


def test_fixes_file_errors_name_line_and_field(tmp_path):
    folder = tmp_path / "curated"
    folder.mkdir()
    (folder / "aliases.csv").write_text(
        "state,alias_agency,canonical_agency,relation,scope,reason,evidence\n"
    )
    (folder / "fixes.csv").write_text(
        "state,agency,model,signed,field,fixed,reason,evidence\n"
        "FL,Polk County Sheriff's Office,TFM,2025-13-01,signed,2025-01-13,typo,MOA\n"
    )
    with pytest.raises(
        InputError, match=r"fixes.csv: line 2, signed: '2025-13-01' is not an ISO date"
    ):
        load_curated(folder)


def test_shipped_curated_files_load():
    curated = load_curated()
    assert all(a.reason and a.evidence for a in curated.aliases)
    assert Path(__file__).exists()
