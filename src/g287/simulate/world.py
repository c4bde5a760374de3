"""The simulated world: agencies and agreements, and the acts that create and sign them.

:class:`World` holds every agency and agreement, which are on the participating and
pending lists now, the event log, and the one random generator. The step-by-step
changes live in :mod:`g287.simulate.events`; the calendar and the captures in
:mod:`g287.simulate.history`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from g287.model.states import STATES
from g287.simulate import links, names
from g287.simulate.config import FORCED, HARD_SCENARIOS, SimulationConfig
from g287.simulate.model import (
    MODELS,
    NA,
    SUPPORT,
    Agency,
    Agreement,
    Episode,
    Event,
    Publication,
    Step,
    replace_year,
)

SIGNED_QUIRKS = ("redate", "year_typo", "impossible_year", "malformed_signed", "text_signed")


@dataclass
class World:
    """Every agency and agreement, the lists as they stand, the log and the random stream."""

    config: SimulationConfig
    seed: int = 1
    rng: random.Random = field(init=False)
    agencies: list[Agency] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def __post_init__(self) -> None:
        cfg = self.config
        self.rng = random.Random(self.seed)
        self.listed: dict[str, Agreement] = {}
        self.pending: dict[str, Agreement] = {}
        self.taken: dict[str, set[str]] = {}
        self.renames: list[Agency] = []
        self.type_fixes: list[Agency] = []
        self.fixes: dict[int, list[Agreement]] = {}
        self.scheduled: dict[int, list[Callable[[int], None]]] = {}
        self.addendum_started = False
        self.counts: dict[str, int] = dict.fromkeys(FORCED, 0)
        self.expected_steps = max(2, round(cfg.publications / (1 - cfg.skip - cfg.missing_list)))
        n = self.expected_steps
        self.addendum_start = max(1, round(0.4 * n))
        self.safelink_start = max(1, round(0.25 * n))
        self.editor_switch = max(1, round(0.6 * n))
        self.force_at = {
            name: self.rng.randint(max(1, n // 5), max(1, (4 * n) // 5)) for name in FORCED
        }
        self.step: Step | None = None
        self.last_captured: dict[str, Publication] = {}
        self.scenarios: dict[str, set[str]] = {}  # agreement id -> the scenarios it is in
        self.hard_at: dict[str, int] = {}  # hard scenario -> the step it is staged at
        self.hard_done: set[str] = set()
        self.hard_ids: set[str] = set()  # agreements in a hard scenario
        self.hard_parent: tuple[str, str] | None = None  # (state, department) of the first
        # Pending entries wait long enough for the pending list to hold its initial size.
        arrivals = cfg.pending_share * self.growth(cfg.agreements) / (1 - cfg.pending_withdraw)
        target = cfg.pending_fraction * cfg.agreements
        self.pending_wait = min(100, max(5, round(target / max(arrivals, 1e-9))))

    def growth(self, size: int | None = None) -> float:
        """New agreements expected per step: growth towards the target list size, plus
        replacements for terminations (renewals and switches replace one for one)."""
        cfg = self.config
        initial = round(cfg.agreements * cfg.initial_fraction)
        target = max(0.0, (cfg.agreements - initial) / self.expected_steps)
        return target + cfg.removal * (len(self.listed) if size is None else size)

    # -- helpers -----------------------------------------------------------

    def want(self, name: str, t: int) -> bool:
        """True once a class is due to be forced and has not happened yet."""
        return self.config.ensure_each and self.counts[name] == 0 and t >= self.force_at[name]

    def did(self, name: str) -> None:
        self.counts[name] += 1

    def tag(self, agreement: Agreement, scenario: str) -> None:
        """Record that ``agreement`` is part of ``scenario`` (written to the truth)."""
        self.scenarios.setdefault(agreement.id, set()).add(scenario)
        if scenario in HARD_SCENARIOS:
            self.hard_ids.add(agreement.id)

    def log(
        self, event: str, agreement: Agreement | None = None, detail: str = "", *,
        agency: Agency | None = None,
    ) -> None:  # fmt: skip
        step = self.step
        if step is None:
            return
        ag = agency or (agreement.agency if agreement else None)
        captured = step.special != "skip"
        self.events.append(
            Event(
                step.index,
                step.published,
                step.part,
                captured,
                event,
                agreement.id if agreement else "",
                ag.id if ag else "",
                detail,
            )
        )

    def today(self) -> date:
        return self.step.published if self.step else self.config.start

    @property
    def t(self) -> int:
        return self.step.index if self.step else 0

    # -- agencies and agreements -------------------------------------------

    def new_agency(self, state: str | None = None) -> Agency:
        rng = self.rng
        state = state or names.choose_state(rng)
        taken = self.taken.setdefault(state, set())
        spec = names.new_agency(rng, state, taken, self.config.rename)
        final = spec.name
        first = spec.first_name or spec.name
        if "Sheriff's" in final:
            roll = rng.random()
            if roll < 0.02:
                final, first = (
                    final.replace("Sheriff's", "Sheriffs"),
                    first.replace("Sheriff's", "Sheriffs"),
                )
            elif roll < 0.04:
                final, first = final.replace("'", "’"), first.replace("'", "’")
        if rng.random() < 0.01:
            final, first = final + " ", first + " "
        taken.update({final.upper(), first.upper()})  # with their quirks
        type_text: str | None = spec.type
        if spec.type == "Municipality" and rng.random() < 0.03:
            type_text = "Municipal"
        elif spec.type == "County" and rng.random() < 0.02:
            type_text = "County "
        elif rng.random() < 0.005:
            type_text = None
        county_cell: object = None
        if spec.county:
            na_rate = {"County": 0.02, "Municipality": 0.55, "State Agency": 0.8}[spec.type]
            if rng.random() < na_rate:
                county_cell = NA
            else:
                county_cell = spec.county
                roll = rng.random()
                if roll < 0.01:
                    county_cell = names.typo(rng, spec.county)
                elif roll < 0.03:
                    county_cell = spec.county + "  "
                elif roll < 0.45:
                    county_cell = spec.county + " "
        else:
            county_cell = NA if rng.random() < 0.9 else None
        agency = Agency(
            id=f"agy-{len(self.agencies) + 1:05d}",
            state=state,
            type=spec.type,
            county=spec.county,
            name=first,
            final_name=final,
            rename_kind=spec.rename_kind if first != final else None,
            state_text=STATES[state][0],
            type_text=type_text,
            county_cell=county_cell,
        )
        agency.names_seen.append(first)
        if first != final:
            self.renames.append(agency)
        if spec.type == "State Agency" and (rng.random() < 0.05 or self.want("type_fix", self.t)):
            agency.type_text = "Municipality"
            self.type_fixes.append(agency)
        self.agencies.append(agency)
        return agency

    def choose_model(self, initial: bool, legacy: bool, agency: Agency) -> str:
        if legacy:
            weights = (0.05, 0.45, 0.5)
        elif initial:
            weights = (0.45, 0.37, 0.18)
        else:
            weights = (0.62, 0.3, 0.08)
        model = self.rng.choices(MODELS, weights=weights)[0]
        if model == "JEM" and agency.type != "County":
            model = "TFM"
        return model

    def agency_for_new_model(self) -> tuple[Agency, str] | None:
        pool = list(self.listed.values())
        for _ in range(10):
            if not pool:
                return None
            agency = self.rng.choice(pool).agency
            used = {a.model for a in agency.agreements if a.listed or a.pending_listed}
            free = [m for m in MODELS if m not in used and (m != "JEM" or agency.type == "County")]
            if free:
                return agency, self.rng.choice(free)
        return None

    def new_agreement(
        self, t: int, *, agency: Agency | None = None, model: str | None = None,
        initial: bool = False, legacy: bool = False,
    ) -> Agreement:  # fmt: skip
        rng = self.rng
        new_model = not legacy and rng.random() < self.config.existing_agency
        if agency is None and model is None and new_model:
            found = self.agency_for_new_model()
            if found:
                agency, model = found
        if agency is None:
            agency = self.new_agency()
        if model is None:
            model = self.choose_model(initial, legacy, agency)
        a = Agreement(
            id=f"agr-{len(self.agreements) + 1:05d}",
            agency=agency,
            model=model,
            created_step=t,
            support_text=SUPPORT[model] + (" " if rng.random() < 0.01 else ""),
            moa_pending_text="link pending " if rng.random() < 0.15 else "link pending",
            moa_link_text="link " if rng.random() < 0.03 else "link",
        )
        agency.agreements.append(a)
        self.agreements.append(a)
        return a

    def signed_quirk(self, t: int) -> str | None:
        """Which printed-date mistake (if any) ICE makes on a newly signed agreement."""
        roll, threshold = self.rng.random(), 0.0
        for name in SIGNED_QUIRKS:
            threshold += getattr(self.config, name)
            if roll < threshold or self.want(name, t):
                self.did(name)
                return name
        return None

    def sign(self, t: int, a: Agreement, signed: date, *, quirks: bool = True) -> None:
        """Give ``a`` its true date and choose how ICE prints it."""
        rng = self.rng
        a.signed = signed
        printed: object = signed
        fix_at: int | None = None
        quirk = self.signed_quirk(t) if quirks else None
        if quirk:
            self.tag(a, quirk)
        if quirk == "redate":  # off by a few days; corrected later, often with the link
            offset = timedelta(days=rng.choice((1, 1, 1, 1, -1, 2, -2, 3, -4, 6)))
            printed = signed + offset if signed + offset <= self.today() else signed - offset
            if a.url is None and rng.random() < 0.7:
                a.signed_fix_on_link = True
            else:
                fix_at = t + rng.randint(2, 20)
        elif quirk == "year_typo":
            printed = replace_year(signed, signed.year - 1)
            fix_at = t + rng.randint(2, 15)
        elif quirk == "impossible_year":  # 5025
            printed = replace_year(signed, signed.year + 3000)
            fix_at = t + rng.randint(1, 10)
        elif quirk == "malformed_signed":  # text without a separator: 05/082025
            printed = f"{signed.month:02d}/{signed.day:02d}{signed.year}"
            if rng.random() < 0.3:
                fix_at = t + rng.randint(3, 30)
        elif quirk == "text_signed":  # a date typed as text: 5/8/2025
            printed = f"{signed.month}/{signed.day}/{signed.year}"
        a.set_printed_signed(printed)
        if printed != signed:
            self.log("printed_signed", a, f"true {signed}, printed {a.printed_variants[-1]}")
        if fix_at is not None:
            self.fixes.setdefault(fix_at, []).append(a)

    def list_agreement(self, t: int, a: Agreement) -> None:
        rng = self.rng
        a.listed = True
        a.listed_since = t
        self.listed[a.id] = a
        self.log("listed", a, f"{a.model} signed {a.signed}")
        if t > 0 and (rng.random() < self.config.first_typo or self.want("first_typo", t)):
            self.did("first_typo")
            self.tag(a, "name_typo")
            end = t + rng.randint(1, 6)
            a.episodes.append(Episode(t, end, "name", names.typo(rng, a.agency.name)))
            self.log("name_typo", a, f"first listed misspelt until step {end}")

    def delist(self, a: Agreement, reason: str) -> None:
        a.listed = False
        a.end_reason = reason
        self.listed.pop(a.id, None)

    def fill_link(self, t: int, a: Agreement) -> None:
        safe = t >= self.safelink_start and self.rng.random() < self.config.safelink
        a.url = links.moa_url(self.rng, a, legacy=False, safelink=safe)
        a.cache = None
        self.log("link_filled", a, "safelink" if safe else "direct")
        if a.signed_fix_on_link and a.signed is not None:
            a.signed_fix_on_link = False
            a.set_printed_signed(a.signed)
            self.log("redated", a, f"printed SIGNED corrected to {a.signed} with the link")

    # -- initial population ----------------------------------------------------

    def populate(self) -> None:
        cfg, rng = self.config, self.rng
        start = cfg.start
        n0 = max(1, round(cfg.agreements * cfg.initial_fraction))
        rich = 0
        for _ in range(n0):
            legacy = rng.random() < cfg.legacy_fraction
            a = self.new_agreement(0, initial=True, legacy=legacy)
            if legacy:
                span = (start - timedelta(days=200) - date(2016, 1, 1)).days
                signed = date(2016, 1, 1) + timedelta(days=rng.randrange(span))
                a.url = links.moa_url(rng, a, legacy=True, safelink=False, signed=signed)
                if a.model == "JEM" and rich < 3 and rng.random() < 0.2:
                    rich += 1
                    a.rich_addendum = True
                self.sign(0, a, signed, quirks=False)
            else:
                signed = start - timedelta(days=rng.randint(1, 150))
                if rng.random() < 0.6:
                    a.url = links.moa_url(rng, a, legacy=False, safelink=False, signed=signed)
                self.sign(0, a, signed)
            self.list_agreement(0, a)
        if cfg.pending:
            for _ in range(round(cfg.agreements * cfg.pending_fraction)):
                self.add_pending(0, since=start - timedelta(days=rng.randint(1, 60)))

    # -- one step ------------------------------------------------------------

    def add_pending(self, t: int, since: date | None = None) -> Agreement:
        rng, cfg = self.rng, self.config
        a = self.new_agreement(t)
        ag = a.agency
        fresh = len(ag.agreements) == 1
        if fresh and (
            rng.random() < cfg.pending_name_change or self.want("pending_name_change", t)
        ):
            ag.pending_name = names.pending_variant(rng, ag.name, ag.state)
            self.did("pending_name_change")
            self.tag(a, "pending_name_change")
        a.pending_listed = True
        a.pending_since = since or self.today()
        self.pending[a.id] = a
        if rng.random() < cfg.pending_withdraw or self.want("withdraw", t):
            self.did("withdraw")
            a.withdraw_at = t + rng.randint(3, 30)
        else:
            a.promote_at = t + rng.randint(1 if t == 0 else 2, 2 * self.pending_wait)
        self.log("pending_listed", a, ag.pending_name or "")
        return a

    def promote(self, t: int, a: Agreement) -> None:
        rng = self.rng
        today = self.today()
        low = max(a.pending_since or today, today - timedelta(days=30))
        span = max(0, (today - low).days - 1)
        signed = low + timedelta(days=rng.randint(0, span)) if span else today
        if rng.random() < 0.15:
            a.url = links.moa_url(rng, a, legacy=False, safelink=False, signed=signed)
        self.sign(t, a, signed)
        a.promote_at = None
        if rng.random() < 0.2:
            a.pending_until = t + rng.randint(1, 2)
        else:
            self.drop_pending(a)
        self.log("promoted", a, f"pending as {a.agency.pending_name or a.agency.name!r}")
        self.list_agreement(t, a)

    def drop_pending(self, a: Agreement) -> None:
        a.pending_listed = False
        self.pending.pop(a.id, None)

    def add_direct(self, t: int, n: int) -> None:
        rng = self.rng
        today = self.today()
        days = [today - timedelta(days=rng.randint(1, 20)) for _ in range(rng.randint(1, 3))]
        for _ in range(n):
            a = self.new_agreement(t)
            signed = rng.choice(days)
            if rng.random() < 0.1:
                a.url = links.moa_url(rng, a, legacy=False, safelink=False, signed=signed)
            self.sign(t, a, signed)
            self.list_agreement(t, a)

    def pick_listed(
        self, t: int, exclude: set[str], eligible: Callable[[Agreement], bool] | None = None
    ) -> Agreement | None:
        """A random agreement listed before step ``t``, not in ``exclude`` (and ``eligible``)."""
        pool = list(self.listed.values())

        hard = self.hard_ids

        def fits(a: Agreement) -> bool:
            return (
                a.listed_since != t
                and a.id not in exclude
                and a.id not in hard  # a hard case stays that case alone
                and (eligible is None or eligible(a))
            )

        for _ in range(30):  # rejection sampling: cheap, and nearly always succeeds
            if not pool:
                return None
            a = self.rng.choice(pool)
            if fits(a):
                return a
        pool = [a for a in pool if fits(a)]
        return self.rng.choice(pool) if pool else None
