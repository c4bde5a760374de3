"""Where the program and state law disagree: agreements a ban (or a limit) in force covers,
and counties (or a state's own agencies) a mandate in force covers with no agreement.
Pure, over :mod:`g287.enrich.policy`'s records and simple agreement facts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from g287.enrich.policy import (
    _SEVERITY,
    COUNTY_SCOPES,
    RULE_LIMITED,
    RULE_MISSING_COUNTY,
    RULE_MISSING_STATE,
    RULE_PROHIBITED,
    STATE_SCOPES,
    AgreementFact,
    Conflict,
    Jurisdiction,
    PolicyRecord,
    _levels,
    _policies,
)


def covers(record: PolicyRecord, agreement: AgreementFact) -> bool:
    """Whether ``record``'s applies_to includes the agency holding ``agreement``."""
    if agreement.level in _levels(record):
        return True
    return (
        "state_corrections" in record.applies_to
        and agreement.level == "state"
        and "correction" in agreement.agency.lower()
    )


def _in_force_by_state(
    policies: Iterable[PolicyRecord], day: date, stances: tuple[str, ...]
) -> dict[str, list[PolicyRecord]]:
    found: dict[str, list[PolicyRecord]] = {}
    for record in sorted(policies, key=lambda p: (p.starts, p.id)):
        if record.stance in stances and record.in_force(day):
            found.setdefault(record.state, []).append(record)
    return found


def prohibited_agreements(
    agreements: Iterable[AgreementFact],
    day: date,
    policies: Iterable[PolicyRecord] | None = None,
) -> list[Conflict]:
    """Active agreements held by agencies that a ban or limit in force covers.

    A ban gives ``conflict``, except ``not_yet_due`` for an agreement that predates the ban
    while its termination deadline has not passed; a limit gives ``review``.
    """
    rules = _in_force_by_state(_policies(policies), day, ("prohibits", "limits"))
    found: list[Conflict] = []
    for agreement in agreements:
        if not agreement.active(day):
            continue
        for record in rules.get(agreement.state, []):
            if not covers(record, agreement):
                continue
            holder = f"{agreement.agency} ({agreement.level}, {agreement.model})"
            if record.stance == "limits":
                rule, status = RULE_LIMITED, "review"
                why = f"{holder} is active but {record.instrument} limits 287(g) agreements"
            else:
                rule = RULE_PROHIBITED
                predates = agreement.start is None or agreement.start < record.starts
                wind_down = predates and record.before_deadline(day)
                status = "not_yet_due" if wind_down else "conflict"
                why = f"{holder} is active but {record.instrument} bans 287(g) agreements"
                if wind_down:
                    why += f"; existing agreements must end by {record.deadline}"
            found.append(
                Conflict(
                    rule,
                    status,
                    record.id,
                    agreement.state,
                    f"{why} (in force from {record.starts})",
                    agreement_id=agreement.agreement_id,
                )
            )
    return sorted(found, key=lambda c: (c.state, c.agreement_id or "", c.policy_id))


def _mandate_status(record: PolicyRecord, day: date) -> str:
    if record.before_deadline(day):
        return "not_yet_due"
    return "conflict" if record.obligation == "enter" else "unconfirmed"


_DUTY = {
    "enter": "to enter one",
    "request": "to request one",
    "apply": "to apply for one",
    "enter_or_equivalent": "to hold one or an equivalent detention agreement",
}


def _mandate_text(record: PolicyRecord, status: str) -> str:
    text = f"{record.instrument} requires covered agencies {_DUTY[record.obligation or 'enter']}"
    if status == "not_yet_due":
        return f"{text}; compliance deadline {record.deadline}"
    if status == "unconfirmed":
        return f"{text}; ICE's lists cannot show whether the agency applied or requested one"
    return text


def _worst(records: list[PolicyRecord], day: date) -> tuple[PolicyRecord, str]:
    ranked = [(record, _mandate_status(record, day)) for record in records]
    return max(ranked, key=lambda item: (_SEVERITY[item[1]], item[0].starts, item[0].id))


def missing_mandated(
    jurisdictions: Iterable[Jurisdiction],
    agreements: Iterable[AgreementFact],
    day: date,
    policies: Iterable[PolicyRecord] | None = None,
) -> list[Conflict]:
    """Places a mandate in force covers that hold no active agreement on ``day``.

    County-scoped mandates (``county_sheriffs``, ``county_jails``) give one finding per county
    of the jurisdictions passed (skipping ``operates_jail=False``), from the most severe record:
    ``conflict`` once an ``enter`` duty is due, ``unconfirmed`` for apply/request duties,
    ``not_yet_due`` before a compliance deadline. State-scoped mandates (``state_agencies``,
    ``state_corrections``) give one finding per record for the states of the jurisdictions.
    Other scopes cannot be enumerated here and are skipped.
    """
    mandates = _in_force_by_state(_policies(policies), day, ("mandates",))
    active = [a for a in agreements if a.active(day)]
    found: list[Conflict] = []
    states: set[str] = set()
    for place in jurisdictions:
        states.add(place.state)
        if place.operates_jail is False:
            continue
        county_mandates = [
            (record, replace(record, applies_to=tuple(COUNTY_SCOPES & set(record.applies_to))))
            for record in mandates.get(place.state, [])
            if COUNTY_SCOPES & set(record.applies_to)
        ]
        unmet = [
            record
            for record, probe in county_mandates
            if not any(
                a.state == place.state and place.county_fips in a.county_fips and covers(probe, a)
                for a in active
            )
        ]
        if unmet:
            record, status = _worst(unmet, day)
            why = f"No active 287(g) agreement for {place.name} ({place.county_fips}) on {day}; "
            found.append(
                Conflict(
                    RULE_MISSING_COUNTY,
                    status,
                    record.id,
                    place.state,
                    why + _mandate_text(record, status),
                    county_fips=place.county_fips,
                    jurisdiction=place.name,
                )
            )
    for state in sorted(states):
        for record in mandates.get(state, []):
            for scope in sorted(STATE_SCOPES & set(record.applies_to)):
                probe = replace(record, applies_to=(scope,))
                if any(
                    a.state == state and a.level == "state" and covers(probe, a) for a in active
                ):
                    continue
                status = _mandate_status(record, day)
                why = f"No active 287(g) agreement for {state} {scope.replace('_', ' ')} on {day}; "
                found.append(
                    Conflict(
                        RULE_MISSING_STATE,
                        status,
                        record.id,
                        state,
                        why + _mandate_text(record, status),
                        jurisdiction=f"{state} {scope}",
                    )
                )
    return sorted(found, key=lambda c: (c.state, c.county_fips or "", c.rule, c.policy_id))
