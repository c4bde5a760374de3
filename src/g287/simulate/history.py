"""The calendar of a simulation: when ICE publishes, what the scraper captures.

A *step* is one moment at which ICE publishes its lists (a date and am/pm). The
:class:`Simulator` starts from an initial population, then at every step lets the
world change (:func:`g287.simulate.events.evolve`) and yields the
:class:`~g287.simulate.model.Publication` s the scraper captured: some steps are
missed, some lists are re-published byte for byte under a new name, one name
sometimes carries two different files, and some files are saved with a filter.

Everything random comes from one ``random.Random(seed)``, consumed in a fixed
order, so one seed always gives one history.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from g287.simulate import events, hard
from g287.simulate.model import ListRow, Publication, Step, with_episodes
from g287.simulate.world import World

EDITORS = ("Editor, First", "Editor, Second")


@dataclass
class Simulator(World):
    """A world plus its calendar; :meth:`run` yields the captured publications."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.config.hard:
            self.hard_at = hard.plan(self)

    # -- the calendar ----------------------------------------------------------

    def next_step(self, t: int, prev: Step | None, remaining: int) -> Step:
        cfg, rng = self.config, self.rng
        if prev is None:
            return self.make_step(0, cfg.start, "am")
        can_copy = not prev.special and t > 1
        if (
            can_copy
            and prev.capture_participating
            and (rng.random() < cfg.same_name or self.want("same_name", t))
        ):
            self.did("same_name")
            seen = prev.first_seen + timedelta(hours=18, seconds=rng.randint(0, 3600))
            step = Step(t, prev.published, prev.part, seen, "same_name", True, False)
            return step
        published, part = self.advance(prev)
        step = self.make_step(t, published, part)
        if remaining > 1 and not prev.special and (rng.random() < cfg.skip or self.want("skip", t)):
            self.did("skip")
            step.special = "skip"
            step.capture_participating = step.capture_pending = False
            return step
        copy = self.copy_kind(t, prev) if can_copy else None
        if copy:
            self.did(f"same_bytes_{copy}")
            step.special = f"copy_{copy}"
            if copy == "participating":
                step.capture_participating = True
            else:
                step.capture_pending = True
        if not cfg.pending:
            step.capture_pending = False
        return step

    def copy_kind(self, t: int, prev: Step) -> str | None:
        """Which list (if any) ICE re-publishes unchanged, byte for byte, at step ``t``."""
        cfg, rng = self.config, self.rng
        pend = cfg.pending and prev.capture_pending
        part = prev.capture_participating
        if part and self.want("same_bytes_participating", t):
            return "participating"
        if pend and self.want("same_bytes_pending", t):
            return "pending"
        if rng.random() >= cfg.same_bytes:
            return None
        if pend and (rng.random() < 0.7 or not part):
            return "pending"
        return "participating" if part else None

    def advance(self, prev: Step) -> tuple[date, str]:
        rng = self.rng
        if prev.special == "same_name":
            day = prev.published + timedelta(days=2)
            return day, "am"
        if prev.part == "am" and rng.random() < 0.25:
            return prev.published, "pm"
        day = prev.published + timedelta(days=rng.choice((1, 1, 1, 1, 2, 2, 3, 4)))
        if day.weekday() >= 5 and rng.random() < 0.85:
            day += timedelta(days=7 - day.weekday())
        return day, "am" if rng.random() < 0.65 else "pm"

    def make_step(self, t: int, published: date, part: str) -> Step:
        rng = self.rng
        hour = 15 if part == "am" else 21
        seen = datetime(published.year, published.month, published.day, hour, tzinfo=UTC)
        seen += timedelta(seconds=rng.randint(0, 7199))
        step = Step(t, published, part, seen)
        missing = self.config.missing_list
        if t > 0 and rng.random() < missing:
            if rng.random() < 0.5:
                step.capture_participating = False
            else:
                step.capture_pending = False
        return step

    # -- capture ---------------------------------------------------------------

    def capture(self, t: int, step: Step) -> Iterator[Publication]:
        cfg = self.config
        if step.special == "skip":
            self.log("skipped", detail="no capture of this step")
            return
        kinds = []
        if step.capture_participating:
            kinds.append("participating")
        if step.capture_pending and cfg.pending:
            kinds.append("pending")
        for kind in kinds:
            prefix = "participatingAgencies" if kind == "participating" else "pendingAgencies"
            file_name = f"{prefix}{step.published:%m%d%Y}{step.part}.xlsx"
            previous = self.last_captured.get(kind)
            if step.special == f"copy_{kind}" and previous is not None:
                pub = Publication(
                    kind, t, step.published, step.part, file_name, _folder(step.first_seen),
                    step.first_seen, previous.modified, previous.editor, previous.rows,
                    previous.addendum_column, previous.filtered, previous.trailing_blank,
                    previous.order, copy_of=previous.copy_of or previous,
                )  # fmt: skip
                self.log("same_bytes", detail=f"{file_name} = {previous.file_name}")
            else:
                built = self.build(kind, t, step, file_name, previous)
                if built is None:  # ICE publishes no empty list
                    setattr(step, f"capture_{kind}", False)
                    self.log("empty_list", detail=f"no {kind} list published")
                    continue
                pub = built
            if step.special == "same_name":
                self.log("same_name", detail=f"a second {file_name}")
            self.last_captured[kind] = pub
            yield pub

    def build(
        self, kind: str, t: int, step: Step, file_name: str, previous: Publication | None
    ) -> Publication | None:
        """The list of ``kind`` as ICE prints it at step ``t``; None when it would be empty."""
        cfg, rng = self.config, self.rng
        since = previous.step if previous else -1
        rows: list[ListRow] = []
        addendum = kind == "participating" and t >= self.addendum_start
        if kind == "participating":
            for a in self.listed.values():
                new = (a.listed_since or 0) > since
                if a.episodes:
                    a.episodes = [e for e in a.episodes if e.end > t]
                if a.episodes:
                    for cells in with_episodes(a.cells(addendum), a.episodes, t):
                        rows.append(ListRow(a.id, a.agency.id, a.model, cells, new))
                else:
                    rows.append(ListRow(a.id, a.agency.id, a.model, a.cells(addendum), new))
        else:
            for a in self.pending.values():
                rows.append(ListRow(a.id, a.agency.id, a.model, a.pending_cells(), False))
        if not rows:
            return None
        suspect = kind == "participating" and self.truncates(t, step, previous)
        if suspect:
            old = [r for r in rows if not r.new]
            plain = [r for r in old if r.agreement_id not in self.scenarios]
            pool = plain if len(plain) >= 5 else old  # agreements with no other quirk
            rows = rng.sample(pool, min(len(pool), rng.randint(3, 5)))
            for r in rows:
                self.tag(self.listed[r.agreement_id], "truncated_list")
            self.log("hard_case", detail=f"truncated_list: {file_name} with {len(rows)} rows")
        order = "state"
        roll = rng.random()
        if kind == "participating" and previous is not None and roll < cfg.appended_order:
            order = "appended"
        elif roll > 0.97:
            order = "agency"
        rows = _ordered(rows, order)
        filtered = rng.random() < cfg.filtered or (
            kind == "participating" and self.want("filtered", t)
        )
        if filtered:
            self.did("filtered")
            self.log("filtered_list", detail=f"{file_name} saved with a Task Force Model filter")
        modified = step.first_seen - timedelta(minutes=rng.randint(20, 480))
        growth = 5 + (40 * t) // self.expected_steps
        return Publication(
            kind=kind,
            step=t,
            published=step.published,
            part=step.part,
            file_name=file_name,
            folder=_folder(step.first_seen),
            first_seen=step.first_seen,
            modified=modified,
            editor=EDITORS[t >= self.editor_switch],
            rows=rows,
            addendum_column=addendum,
            filtered=filtered,
            trailing_blank=growth + rng.randint(0, 10),
            order=order,
            suspect=suspect,
        )

    def truncates(self, t: int, step: Step, previous: Publication | None) -> bool:
        """Whether the participating list of step ``t`` is the hard case's truncated list."""
        at = self.hard_at.get("truncated_list")
        if at is None or t < at or "truncated_list" in self.hard_done:
            return False
        if previous is None or previous.suspect or step.special:
            return False
        self.hard_done.add("truncated_list")
        return True

    # -- the whole run ---------------------------------------------------------

    def run(self) -> Iterator[Publication]:
        """Yield every captured publication, in order; afterwards the world is final."""
        cfg = self.config
        captured = 0
        prev: Step | None = None
        t = 0
        while captured < cfg.publications:
            step = self.next_step(t, prev, cfg.publications - captured)
            self.step = step
            if t == 0:
                self.populate()
            elif not step.quiet:
                events.evolve(self, t, step)
            for pub in self.capture(t, step):
                if pub.kind == "participating":
                    captured += 1
                yield pub
            prev = step
            t += 1
        self.steps = t


def _folder(seen: datetime) -> str:
    return f"sheets_{seen:%Y%m%d_%H%M%S}"


_KEYS: dict[tuple[object, object], tuple[str, str]] = {}


def _sort_key(row: ListRow) -> tuple[str, str]:
    """Excel's sort on STATE then agency: case-insensitive."""
    cells = row.cells
    pair = (cells[0], cells[1])
    key = _KEYS.get(pair)
    if key is None:
        if len(_KEYS) > 200_000:
            _KEYS.clear()
        key = _KEYS[pair] = (str(cells[0]).upper(), str(cells[1]).upper())
    return key


def _ordered(rows: list[ListRow], order: str) -> list[ListRow]:
    if order == "agency":
        return sorted(rows, key=lambda r: str(r.cells[1]).upper())
    if order == "appended":
        old = sorted((r for r in rows if not r.new), key=_sort_key)
        return old + [r for r in rows if r.new]
    return sorted(rows, key=_sort_key)
