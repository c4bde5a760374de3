"""What happens at one step: the lifecycle events and display episodes of the world.

Each function takes the :class:`~g287.simulate.world.World` and the step index;
:func:`evolve` runs them in a fixed order so the random stream stays reproducible.
"""

from __future__ import annotations

from datetime import timedelta

from g287.model.states import STATES
from g287.simulate import links, names
from g287.simulate.config import poisson
from g287.simulate.model import MODELS, NA, Agreement, Episode, Step
from g287.simulate.world import World


def evolve(w: World, t: int, step: Step) -> None:
    """Apply everything that happens at step ``t``, in a fixed order."""
    cfg, rng = w.config, w.rng
    size = len(w.listed)
    burst = rng.uniform(2, 5) if rng.random() < 0.15 else rng.uniform(0.3, 1.0)
    budget = w.growth()
    share = cfg.pending_share if cfg.pending else 0.0
    if step.special == "same_name":
        w.add_direct(t, max(1, poisson(rng, budget * 2)))
        return
    for due in sorted(k for k in w.scheduled if k <= t):
        for action in w.scheduled.pop(due):
            action(t)
    for a in list(w.pending.values()):
        if a.promote_at is not None and a.promote_at <= t:
            w.promote(t, a)
        elif a.withdraw_at is not None and a.withdraw_at <= t:
            w.drop_pending(a)
            a.end_reason = "withdrawn"
            w.log("withdrawn", a)
        elif a.pending_until is not None and a.pending_until <= t:
            w.drop_pending(a)
            w.log("pending_row_dropped", a)
    if cfg.pending:
        for _ in range(poisson(rng, share * budget * burst / (1 - cfg.pending_withdraw))):
            w.add_pending(t)
    w.add_direct(t, poisson(rng, (1 - share) * budget * burst))
    lifecycle(w, t, size)
    agency_edits(w, t)
    links_and_dates(w, t)
    addenda(w, t)
    episodes(w, t)
    if cfg.hard:
        from g287.simulate.hard import stage

        stage(w, t)


def lifecycle(w: World, t: int, size: int) -> None:
    cfg, rng = w.config, w.rng
    done: set[str] = set()
    plan = (
        ("renewal", cfg.renewal),
        ("model_switch", cfg.model_switch),
        ("removal", cfg.removal),
    )
    today = w.today()

    def in_force(a: Agreement) -> bool:  # only an agreement in force for a while is renewed
        return a.signed is not None and (today - a.signed).days >= cfg.renewal_after

    for name, rate in plan:
        n = poisson(rng, rate * size) or (1 if w.want(name, t) else 0)
        for _ in range(n):
            old = w.pick_listed(t, done, in_force if name == "renewal" else None)
            if old is None:
                break
            done.add(old.id)
            if name == "renewal":
                renew(w, t, old)
            elif name == "model_switch":
                if not switch(w, t, old):
                    continue
            else:
                w.delist(old, "terminated")
                w.log("terminated", old)
            w.did(name)


def renew(w: World, t: int, old: Agreement) -> None:
    rng = w.rng
    today = w.today()
    new = w.new_agreement(t, agency=old.agency, model=old.model)
    signed = today - timedelta(days=rng.randint(1, 20))
    if old.signed is not None and signed <= old.signed:
        signed = min(today, old.signed + timedelta(days=1))
    w.sign(t, new, signed)
    w.delist(old, "renewed")
    old.successor = new
    w.tag(old, "renewal")
    w.tag(new, "renewal")
    w.log("renewed", old, f"superseded by {new.id}")
    lag = rng.randint(1, 3) if rng.random() < 0.15 else 0
    if lag:
        w.scheduled.setdefault(t + lag, []).append(lambda now: w.list_agreement(now, new))
    else:
        w.list_agreement(t, new)


def switch(w: World, t: int, old: Agreement) -> bool:
    agency = old.agency
    used = {a.model for a in agency.agreements if a.listed or a.pending_listed}
    free = [m for m in MODELS if m not in used and (m != "JEM" or agency.type == "County")]
    if not free:
        return False
    new = w.new_agreement(t, agency=agency, model=w.rng.choice(free))
    w.sign(t, new, w.today() - timedelta(days=w.rng.randint(1, 15)))
    w.delist(old, "model_switch")
    old.switched_to = new
    w.tag(old, "model_switch")
    w.tag(new, "model_switch")
    w.log("model_switch", old, f"{old.model} -> {new.model} as {new.id}")
    w.list_agreement(t, new)
    return True


def agency_edits(w: World, t: int) -> None:
    cfg, rng = w.config, w.rng
    for ag in list(w.renames):
        if not any(a.listed for a in ag.agreements):
            continue
        if rng.random() < cfg.rename_hazard or w.want("rename", t):
            w.did("rename")
            w.renames.remove(ag)
            w.log("renamed", agency=ag, detail=f"{ag.name!r} -> {ag.final_name!r}")
            ag.name = ag.final_name
            ag.names_seen.append(ag.name)
            ag.touch()
            for a in ag.agreements:
                w.tag(a, "rename")
    for ag in list(w.type_fixes):
        if any(a.listed for a in ag.agreements) and (rng.random() < 0.03 or w.want("type_fix", t)):
            w.did("type_fix")
            w.type_fixes.remove(ag)
            w.log("type_fixed", agency=ag, detail=f"{ag.type_text!r} -> {ag.type!r}")
            ag.type_text = ag.type
            ag.touch()
    rate = 0.3 if rng.random() < 0.05 else cfg.county_fill
    for a in w.listed.values():
        ag = a.agency
        if ag.county_cell is NA and ag.county and (rng.random() < rate or w.want("county_fill", t)):
            w.did("county_fill")
            ag.county_cell = ag.county + (" " if rng.random() < 0.4 else "")
            w.log("county_filled", agency=ag, detail=ag.county)
            ag.touch()


def links_and_dates(w: World, t: int) -> None:
    cfg, rng = w.config, w.rng
    rate = rng.uniform(0.2, 0.6) if rng.random() < cfg.link_batch else cfg.link_fill
    for a in list(w.listed.values()):
        if a.url is None and a.listed_since != t and rng.random() < rate:
            w.fill_link(t, a)
    for due in sorted(k for k in w.fixes if k <= t):
        for a in w.fixes.pop(due):
            if a.signed is not None and a.printed_signed != a.signed:
                a.set_printed_signed(a.signed)
                w.log("redated", a, f"printed SIGNED corrected to {a.signed}")


def addenda(w: World, t: int) -> None:
    rng = w.rng
    if t < w.addendum_start:
        return
    linked = [a for a in w.listed.values() if a.url and not a.addendum_url]
    if not w.addendum_started:
        w.addendum_started = True
        w.log("addendum_column", detail="the ADDENDUM column appears")
        for a in w.listed.values():
            if a.rich_addendum:
                add_addendum(w, a)
        n = round(0.03 * len(linked))
    else:
        n = poisson(rng, 0.001 * len(linked))
    for a in rng.sample(linked, min(n, len(linked))):
        add_addendum(w, a)


def add_addendum(w: World, a: Agreement) -> None:
    when = w.today() - timedelta(days=w.rng.randint(1, 10))
    a.addendum_url = links.moa_url(w.rng, a, legacy=False, safelink=True, signed=when)
    a.cache = None
    w.log("addendum_added", a)


def episodes(w: World, t: int) -> None:
    cfg, rng = w.config, w.rng
    n = poisson(rng, cfg.name_typo * len(w.listed)) or int(w.want("name_typo", t))
    for _ in range(n):
        a = w.pick_listed(t, set())
        if a:
            w.did("name_typo")
            w.tag(a, "name_typo")
            end = t + rng.randint(1, 8)
            a.episodes.append(Episode(t, end, "name", names.typo(rng, a.agency.name)))
            w.log("name_typo", a, f"until step {end}")
    plan = (
        ("state_typo", cfg.state_typo, 4),
        ("wrong_state", cfg.wrong_state, 5),
        ("duplicate", cfg.duplicate, 6),
        ("near_duplicate", cfg.near_duplicate, 10),
    )
    for name, rate, longest in plan:
        if not (rng.random() < rate or w.want(name, t)):
            continue
        a = w.pick_listed(t, set())
        if a is None:
            continue
        w.did(name)
        w.tag(a, name)
        end = t + rng.randint(1, longest)
        value = ""
        if name == "state_typo":
            value = names.state_typo(rng, a.agency.state_text)
        elif name == "wrong_state":
            other = names.choose_state(rng)
            while other == a.agency.state:
                other = names.choose_state(rng)
            value = STATES[other][0]
        elif name == "near_duplicate":
            value = names.near_duplicate_name(a.agency.name)
        kind = "state" if name in {"state_typo", "wrong_state"} else name
        a.episodes.append(Episode(t, end, kind, value))
        w.log(name, a, f"{value!r} until step {end}" if value else f"until step {end}")
