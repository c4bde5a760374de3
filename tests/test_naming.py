from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from g287.model.dating import date_publication
from g287.model.naming import parse_file_name


@pytest.mark.parametrize(
    ("name", "kind", "day", "part", "suffix"),
    [
        ("participatingAgencies05162025am.xlsx", "participating", date(2025, 5, 16), "am", ""),
        ("pendingAgencies05152025am.xlsx", "pending", date(2025, 5, 15), "am", ""),
        ("participatingAgencies03032025PM.xlsx", "participating", date(2025, 3, 3), "pm", ""),
        ("ParticipatingAgencies09042026pm.xlsx", "participating", date(2026, 9, 4), "pm", ""),
        ("287gParticipatingAgencies091526pm.xlsx", "participating", date(2026, 9, 15), "pm", ""),
        ("participatingAgencies07032025pm_b.xlsx", "participating", date(2025, 7, 3), "pm", "_b"),
        (
            "participatingAgencies05162025am 12.15.07 AM.xlsx",
            "participating",
            date(2025, 5, 16),
            "am",
            "12.15.07 AM",
        ),
        ("participatingAgencies06112025mid.xlsx", "participating", date(2025, 6, 11), "mid", ""),
        ("participatingAgencies_20250516.xlsx", "participating", date(2025, 5, 16), None, ""),
        ("ParticipatingAgency091526.xlsx", "participating", date(2026, 9, 15), None, ""),
        ("participatingAgencies041720263pm.xlsx", "participating", date(2026, 4, 17), "pm", ""),
        ("PENDINGAGENCIES06102025AM.XLSX", "pending", date(2025, 6, 10), "am", ""),
        ("participatingAgencies.xlsx", "participating", None, None, ""),
        ("roster.xlsx", "unknown", None, None, ""),
        ("participatingAgencies13452025am.xlsx", "participating", None, "am", ""),
    ],
)
def test_parse_file_name(name, kind, day, part, suffix):
    parsed = parse_file_name(name)
    assert (parsed.kind, parsed.ice_date, parsed.part_of_day, parsed.suffix) == (
        kind,
        day,
        part,
        suffix,
    )


@given(
    st.dates(min_value=date(2005, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from(["am", "pm", "mid", "AM", "PM", ""]),
    st.sampled_from(["participating", "Participating", "pending", "287gParticipating"]),
)
def test_file_name_round_trip(day, part, prefix):
    name = f"{prefix}Agencies{day:%m%d%Y}{part}.xlsx"
    parsed = parse_file_name(name)
    assert parsed.ice_date == day
    assert parsed.part_of_day == (part.lower() or None)


def seen(text):
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_claimed_date_wins_when_seen_after():
    when = date_publication(
        parse_file_name("participatingAgencies05162025am.xlsx"), seen("2025-05-19T02:43:30")
    )
    assert (when.published, when.source, when.flag) == (date(2025, 5, 16), "file_name", None)


def test_first_seen_wins_when_file_was_online_before_its_date():
    when = date_publication(
        parse_file_name("participatingAgencies05302025am.xlsx"), seen("2025-05-20T15:00:00")
    )
    assert when.published == date(2025, 5, 20)
    assert when.source == "first_seen"
    assert "before its file-name date" in (when.flag or "")


def test_first_seen_is_read_in_eastern_time():
    # 02:43 UTC on the 19th is still the 18th in Washington.
    when = date_publication(parse_file_name("list.xlsx"), seen("2025-05-19T02:43:30"))
    assert when.published == date(2025, 5, 18)


def test_year_early_file_name_moves_forward():
    name = parse_file_name("participatingAgencies01062025pm.xlsx")
    when = date_publication(name, seen("2026-01-07T15:00:00"), newest_signed=date(2026, 1, 5))
    assert when.published == date(2026, 1, 6)
    assert "predates signings" in (when.flag or "")


def test_far_future_file_name_is_not_trusted():
    when = date_publication(
        parse_file_name("participatingAgencies12312025am.xlsx"), seen("2025-06-01T12:00:00")
    )
    assert when.source == "first_seen"
    assert when.published == date(2025, 6, 1)
