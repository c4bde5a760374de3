"""Which published rows are the same agreement: the identity tiers.

Rows are keyed on (state, model, signing date, canonical agency name). Tiers then
merge keys that are one agreement printed differently, each gated so that two
real agencies never merge (their listing windows overlap, and neither spelling
is dominated):

* **wrong-state stretch** — the same name, model and date under two states that
  never appear on one list; the shorter run (≤ 10 lists or ≤ 25 % of the longer)
  moves to the longer run's state;
* **T2 typo** — optimal-string-alignment distance ≤ 2 (or 3 with both gates),
  same digits, and windows disjoint or one spelling dominated;
* **T3 modifier** — one name's words contain the other's ("City of", "Dept"),
  same digits, windows disjoint or dominated;
* **T3b rename** — one spelling's last list is immediately followed by the
  other's first, and both rows link the same MOA file, whose name carries a
  word of either spelling;
* **T3c relabel** — a never-linked agreement that left the list, and exactly one
  other of the same state, model and date that first appears on the very next
  list;
* **T4 signing-date corrections** — an agreement whose date ICE re-printed: it
  leaves the list and the same agency and model appear on the next list under
  another date, and either its MOA was still pending (and the new row is linked,
  within 180 days, or within 30 days otherwise), or both rows link the same MOA
  file (≤ 30 days, or exactly a year: a year typo), or its last MOA cell had no
  link (≤ 90 days).

Curated aliases (``same``/``distinct``) act first and veto tiers. Every merge is
a :class:`Decision`; near-misses are :class:`Candidate` rows for review.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from rapidfuzz.distance import OSA

from g287.read.cells import EARLIEST_SIGNED, SIGNED_SLACK
from g287.resolve.fixes import Curated
from g287.resolve.model import Candidate, Decision, Listing, Obs
from g287.resolve.names import canonical, core_key, digit_signature, naming_tokens, tokens
from g287.resolve.presence import Presence

TYPO_DISTANCE = 2
TYPO_DISTANCE_STRICT = 3
DOMINATED_RATIO = 0.25
STRETCH_MAX_LISTS = 10
STRETCH_MAX_SHARE = 0.25
FOLD_PENDING_POSTED_DAYS = 180
FOLD_PENDING_DAYS = 30
FOLD_SAME_FILE_DAYS = 30
FOLD_UNLINKED_DAYS = 90
YEAR_TYPO_MIN_DAYS = 300
YEAR_TYPO_WINDOW_DAYS = 60

RESOLUTION_ORDER = (
    "alias",
    "rename",
    "relabel",
    "modifier",
    "typo",
    "near_duplicate",
    "date_corrected",
    "exact",
)


class UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n  # members of each root's group (kept for roots only)

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        return True

    def groups(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.parent)):
            out[self.find(i)].append(i)
        return out


@dataclass
class Identities:
    """The result: listings grouped into agreements, with every decision taken."""

    listings: list[Listing]
    groups: list[list[int]]  # listing indexes per agreement, each sorted by first listing
    rules: list[set[str]]  # tiers that shaped each group
    agency_of: dict[tuple[str, str], int]  # (state, canon) -> agency root
    decisions: list[Decision] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    unresolved: list[tuple[Obs, str]] = field(default_factory=list)


def _describe(listing: Listing) -> str:
    return f"{listing.state} | {listing.canon} | {listing.model} | {listing.signed}"


def year_typos(
    observations: list[Obs], seq_dates: dict[int, date]
) -> tuple[list[Obs], list[Decision]]:
    """Re-date a listing first printed more than 300 days before the list that first shows it,
    when the same month and day fall in the 60 days before that list (this year, or the one
    before): ICE typed the wrong year. Skipped for the first list held (its agreements may
    be old), and when a near-identical spelling showed that date earlier.
    """
    first: dict[tuple[str, str | None, date | None, str], int] = {}
    for o in observations:
        key = (o.state, o.model, o.signed, o.canon)
        first[key] = min(first.get(key, o.presence.first), o.presence.first)
    by_bucket: dict[tuple[str, str | None, date | None], list[tuple[str, int]]] = defaultdict(list)
    for (state, model, signed, canon), seq in first.items():
        by_bucket[(state, model, signed)].append((canon, seq))
    fixed: dict[tuple[str, str | None, date | None, str], date] = {}
    decisions = []
    for key, seq in sorted(first.items(), key=lambda kv: str(kv[0])):
        state, model, signed, canon = key
        if signed is None or seq <= 1 or seq not in seq_dates:
            continue
        listed = seq_dates[seq]
        if (listed - signed).days <= YEAR_TYPO_MIN_DAYS:
            continue
        earlier = [
            c
            for c, s in by_bucket[(state, model, signed)]
            if s < seq and c != canon and OSA.distance(c, canon) <= TYPO_DISTANCE_STRICT
        ]
        if earlier:
            continue
        for year in (listed.year, listed.year - 1):
            try:
                candidate = signed.replace(year=year)
            except ValueError:
                continue
            if 0 <= (listed - candidate).days <= YEAR_TYPO_WINDOW_DAYS:
                fixed[key] = candidate
                decisions.append(
                    Decision(
                        "year_typo",
                        f"{state} | {canon} | {model} | {signed}",
                        f"first listed {listed}, {(listed - signed).days} days after its printed "
                        f"date: read as {candidate}",
                        {
                            "printed": signed.isoformat(),
                            "read": candidate.isoformat(),
                            "first_listed": listed.isoformat(),
                        },
                    )
                )
                break
    out = [
        replace(o, signed=fixed[(o.state, o.model, o.signed, o.canon)])
        if (o.state, o.model, o.signed, o.canon) in fixed
        else o
        for o in observations
    ]
    return out, decisions


def _year_edits(year: int) -> set[int]:
    """Years one keystroke from ``year``: one digit changed, or two adjacent digits swapped."""
    text = f"{year:04d}"
    out = set()
    for i in range(len(text)):
        for d in "0123456789":
            out.add(text[:i] + d + text[i + 1 :])
        if i + 1 < len(text):
            out.add(text[:i] + text[i + 1] + text[i] + text[i + 2 :])
    return {int(t) for t in out if t[0] != "0"} - {year}


def impossible_dates(
    observations: list[Obs], seq_dates: dict[int, date]
) -> tuple[list[Obs], list[Decision]]:
    """Correct a signing date ICE could not have meant (before 287(g) existed, or after the
    list that first shows it) to the latest date one keystroke away in the year that falls
    on or before that list; with none, the row is carried with the date as printed. Either
    way it is a decision, and the row stays in the program."""
    first: dict[tuple[str, str | None, date, str], int] = {}
    for o in observations:
        if o.signed is None:
            continue
        key = (o.state, o.model, o.signed, o.canon)
        first[key] = min(first.get(key, o.presence.first), o.presence.first)
    fixed: dict[tuple[str, str | None, date, str], date] = {}
    decisions = []
    for key, seq in sorted(first.items(), key=lambda kv: str(kv[0])):
        state, model, signed, canon = key
        listed = seq_dates.get(seq)
        if listed is None or EARLIEST_SIGNED <= signed <= listed + SIGNED_SLACK:
            continue
        candidates = []
        for year in _year_edits(signed.year):
            try:
                candidate = signed.replace(year=year)
            except ValueError:
                continue
            if EARLIEST_SIGNED <= candidate <= listed:
                candidates.append(candidate)
        subject = f"{state} | {canon} | {model} | {signed}"
        if candidates:
            fixed[key] = max(candidates)
            decisions.append(
                Decision(
                    "impossible_date_corrected",
                    subject,
                    f"SIGNED {signed} cannot be (first listed {listed}): read as {fixed[key]}, "
                    "the latest date one keystroke away on or before that list",
                    {
                        "printed": signed.isoformat(),
                        "read": fixed[key].isoformat(),
                        "first_listed": listed.isoformat(),
                        "candidates": sorted(c.isoformat() for c in candidates),
                    },
                )
            )
        else:
            decisions.append(
                Decision(
                    "impossible_date_kept",
                    subject,
                    f"SIGNED {signed} cannot be (first listed {listed}) and no date one "
                    "keystroke away fits: kept as printed",
                    {"printed": signed.isoformat(), "first_listed": listed.isoformat()},
                )
            )
    out = [
        replace(o, signed=fixed[(o.state, o.model, o.signed, o.canon)])
        if o.signed is not None and (o.state, o.model, o.signed, o.canon) in fixed
        else o
        for o in observations
    ]
    return out, decisions


def attach_undated(
    ident_listings: list[Listing],
    groups: list[list[int]],
    unresolved: list[tuple[Obs, str]],
) -> tuple[list[tuple[Obs, str]], list[Decision]]:
    """Attach a row with no usable date to the one agreement of its agency and model listed
    around it (on the lists just before or after; never one printed on the same lists, as
    two rows printed side by side are two agreements)."""
    by_name: dict[tuple[str, str | None, str], list[int]] = defaultdict(list)
    group_of = {m: g for g, members in enumerate(groups) for m in members}
    group_presence: dict[int, Presence] = {}
    for i, listing in enumerate(ident_listings):
        by_name[(listing.state, listing.model, listing.canon)].append(i)
    still: list[tuple[Obs, str]] = []
    decisions = []
    if not unresolved:
        return [], []
    for o, reason in unresolved:
        candidates = by_name.get((o.state, o.model, o.canon), [])
        near = set()
        for i in candidates:
            gi = group_of[i]
            if gi not in group_presence:
                group_presence[gi] = Presence.union(ident_listings[m].presence for m in groups[gi])
            presence = group_presence[gi]
            adjacent = (
                presence.first - 1 <= o.presence.last and o.presence.first <= presence.last + 1
            )
            if adjacent and not presence.overlaps(o.presence):
                near.add(group_of[i])
        if o.signed is not None or len(near) != 1:
            still.append((o, reason))
            continue
        (chosen,) = near
        target = ident_listings[max(groups[chosen], key=lambda m: ident_listings[m].presence.last)]
        target.obs.append(o)
        target.presence = Presence.union([target.presence, o.presence])
        decisions.append(
            Decision(
                "undated_row_attached",
                f"{o.state} | {o.canon} | {o.model} | (no date)",
                f"a row with no usable date joins the only {o.model} agreement of this agency "
                "listed around it",
                {"content_id": o.content_id, "signed": target.signed.isoformat()},
            )
        )
    return still, decisions


def make_listings(observations: Iterable[Obs]) -> list[Listing]:
    grouped: dict[tuple[str, str, date, str], list[Obs]] = defaultdict(list)
    for o in observations:
        if o.model is None or o.signed is None:
            continue
        grouped[(o.state, o.model, o.signed, o.canon)].append(o)
    listings = []
    for key in sorted(grouped):
        obs = sorted(grouped[key], key=lambda o: (o.presence.first, o.content_id))
        presence = Presence.union(o.presence for o in obs)
        spellings: dict[str, int] = defaultdict(int)
        for o in obs:
            spellings[o.name] += o.presence.count
        at_first = [o for o in obs if presence.first in o.presence]
        at_last = [o for o in obs if presence.last in o.presence]
        first_keys = sorted(o.moa_key for o in at_first if o.moa_key)
        last_keys = sorted(o.moa_key for o in at_last if o.moa_key)
        listings.append(
            Listing(
                key=key,
                obs=obs,
                presence=presence,
                spellings=dict(spellings),
                first_moa_key=first_keys[0] if first_keys else None,
                first_linked=any(o.linked for o in at_first),
                last_moa_key=last_keys[-1] if last_keys else None,
                last_linked=any(o.linked for o in at_last),
                ever_linked=any(o.linked for o in obs),
            )
        )
    return listings


def wrong_state_stretches(observations: list[Obs]) -> tuple[list[Obs], list[Decision]]:
    """Move short runs listed under a wrong state to the state of the long run."""
    groups: dict[tuple[str, str | None, date | None], dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for i, o in enumerate(observations):
        if o.signed is None or o.model is None:
            continue
        groups[(core_key(o.canon), o.model, o.signed)][o.state].append(i)
    decisions = []
    out = list(observations)
    for (key, model, signed), by_state in sorted(groups.items(), key=lambda kv: str(kv[0])):
        if len(by_state) != 2 or not key:
            continue
        (s1, idx1), (s2, idx2) = sorted(by_state.items())
        p1 = Presence.union(observations[i].presence for i in idx1)
        p2 = Presence.union(observations[i].presence for i in idx2)
        if p1.overlaps(p2):
            continue
        (short_state, short_idx, short_p), (long_state, _, long_p) = sorted(
            [(s1, idx1, p1), (s2, idx2, p2)], key=lambda t: (t[2].count, t[0])
        )
        if short_p.count == long_p.count:
            continue
        if not (
            short_p.count <= STRETCH_MAX_LISTS or short_p.count <= STRETCH_MAX_SHARE * long_p.count
        ):
            continue
        for i in short_idx:
            o = out[i]
            out[i] = replace(o, state=long_state, canon=canonical(o.name, long_state))
        names = sorted({observations[i].name for i in short_idx})
        decisions.append(
            Decision(
                "wrong_state_stretch",
                f"{names[0]} | {model} | {signed}",
                f"listed under {short_state} on {short_p.count} list(s), "
                f"under {long_state} on {long_p.count}: moved to {long_state}",
                {"from": short_state, "to": long_state, "lists": short_p.count},
            )
        )
    return out, decisions


class _Tiers:
    def __init__(self, listings: list[Listing], curated: Curated, newest: int) -> None:
        self.listings = listings
        self.newest = newest
        self.uf = UnionFind(len(listings))
        # The co-listing guard: what each agreement component and each agency (a set of
        # spellings) was printed on. Two of them printed on one list are never joined.
        self.comp_presence: dict[int, Presence] = {
            i: listing.presence for i, listing in enumerate(listings)
        }
        self.spelling_index: dict[tuple[str, str], int] = {}
        by_spelling: dict[int, list[Presence]] = defaultdict(list)
        for listing in listings:
            node = self.spelling_index.setdefault(
                (listing.state, listing.canon), len(self.spelling_index)
            )
            by_spelling[node].append(listing.presence)
        self.agency_uf = UnionFind(len(self.spelling_index))
        self.agency_presence: dict[int, Presence] = {
            node: Presence.union(ps) for node, ps in by_spelling.items()
        }
        for a in curated.aliases:
            if a.relation == "same" and a.scope == "agency":
                x = self.spelling_index.get((a.state, a.alias_key))
                y = self.spelling_index.get((a.state, a.canonical_key))
                if x is not None and y is not None:
                    self._join_agencies(x, y)  # curated: joined even if co-listed
        self.blocked: list[Decision] = []
        self.rules: dict[int, set[str]] = defaultdict(set)
        self.decisions: list[Decision] = []
        self.candidates: list[Candidate] = []
        self.distinct: set[tuple[str, frozenset[str]]] = {
            (a.state, frozenset({a.alias_key, a.canonical_key}))
            for a in curated.aliases
            if a.relation == "distinct"
        }
        self.distinct_names = {(s, n) for s, pair in self.distinct for n in pair}
        spelling: dict[tuple[str, str], list[Presence]] = defaultdict(list)
        for listing in listings:
            spelling[(listing.state, listing.canon)].append(listing.presence)
        self.spelling_count = {k: Presence.union(v).count for k, v in spelling.items()}

    def is_distinct(self, a: Listing, b: Listing) -> bool:
        return (a.state, frozenset({a.canon, b.canon})) in self.distinct

    def established(self, listing: Listing) -> bool:
        return self.spelling_count[(listing.state, listing.canon)] > listing.presence.count

    def _join_agencies(self, x: int, y: int) -> None:
        rx, ry = self.agency_uf.find(x), self.agency_uf.find(y)
        if rx == ry:
            return
        joined = Presence.union([self.agency_presence.pop(rx), self.agency_presence.pop(ry)])
        self.agency_uf.union(rx, ry)
        self.agency_presence[self.agency_uf.find(rx)] = joined

    def agency_root(self, index: int) -> int:
        listing = self.listings[index]
        return self.agency_uf.find(self.spelling_index[(listing.state, listing.canon)])

    def colisted(self, a: int, b: int, *, agencies: bool = True) -> str | None:
        """Why joining the components of listings ``a`` and ``b`` would break the invariant
        that rows printed side by side are different agreements of different agencies (over
        the transitive closure of every merge so far), or None if they may join.
        ``agencies=False`` checks the agreements only (see :meth:`one_agency_typo`)."""
        ra, rb = self.uf.find(a), self.uf.find(b)
        if ra != rb and self.comp_presence[ra].overlaps(self.comp_presence[rb]):
            return "both agreements are printed on one list"
        xa, xb = self.agency_root(a), self.agency_root(b)
        if agencies and xa != xb and self.agency_presence[xa].overlaps(self.agency_presence[xb]):
            return "the two agencies (with every name merged into them) are printed on one list"
        return None

    def one_agency_typo(self, a: int, b: int) -> bool:
        """Two spellings a typo apart whose agencies were printed side by side only through
        *other* agreements may still be one agency: ICE misspelled one agreement's row while
        printing the same agency's other agreement right. Allowed only when each side is a
        single spelling (no earlier merge behind it) and ICE printed one and the same county
        for both; the agreements themselves must still never share a list."""
        la, lb = self.listings[a], self.listings[b]
        ca = {_county_key(o.county) for o in la.obs}
        cb = {_county_key(o.county) for o in lb.obs}
        if len(ca) != 1 or ca != cb or None in ca:
            return False
        xa, xb = self.agency_root(a), self.agency_root(b)
        sizes = self.agency_uf.size  # every spelling is one node of agency_uf
        members = sizes[xa] + (sizes[xb] if xb != xa else 0)
        return members == 2

    def one_list_misprint(self, a: int, b: int) -> bool:
        """A row ICE printed on one or two lists, beside the same agreement's own row, one
        keystroke off: its spelling is on those lists only (nowhere else), the other
        spelling is established (three lists or more) and covers it, and ICE printed one
        and the same county for both. Such a pair is a duplicate row, not two agencies."""
        la, lb = self.listings[a], self.listings[b]
        small, big = sorted((la, lb), key=lambda x: x.presence.count)
        if small.presence.count > 2 or big.presence.count < 3:
            return False
        if self.spelling_count[(small.state, small.canon)] != small.presence.count:
            return False  # the spelling is printed elsewhere too: not a one-off misprint
        if Presence.union([small.presence, big.presence]).count != big.presence.count:
            return False  # printed on a list without the agreement's own row
        counties = {_county_key(o.county) for o in la.obs + lb.obs}
        return len(counties) == 1 and None not in counties

    def merge(
        self,
        a: int,
        b: int,
        rule: str,
        detail: str,
        evidence: Mapping[str, object],
        *,
        agency_guard: bool = True,
        guard: bool = True,
    ) -> bool:
        ra, rb = self.uf.find(a), self.uf.find(b)
        if ra == rb:
            return False
        la, lb = self.listings[a], self.listings[b]
        why = self.colisted(a, b) if guard else None
        if why is not None and not agency_guard and self.colisted(a, b, agencies=False) is None:
            why = None
            evidence = {**evidence, "co_listed_spellings": sorted({la.canon, lb.canon})}
            detail += "; the agency's other agreement was printed beside it, in the same county"
        if why is not None:
            self.candidates.append(
                Candidate(
                    f"blocked_{rule}",
                    _describe(la),
                    _describe(lb),
                    "distinct",
                    f"{detail}, but {why}: kept apart (a curated alias can join them)",
                )
            )
            return False
        presence = Presence.union([self.comp_presence.pop(ra), self.comp_presence.pop(rb)])
        self._join_agencies(self.agency_root(a), self.agency_root(b))
        if self.uf.union(ra, rb):
            self.comp_presence[self.uf.find(ra)] = presence
            root = self.uf.find(ra)
            self.rules[root] = self.rules.pop(ra, set()) | self.rules.pop(rb, set()) | {rule}
            la, lb = self.listings[a], self.listings[b]
            self.decisions.append(
                Decision(rule, f"{_describe(la)} = {lb.canon}", detail, dict(evidence))
            )
            return True
        return False

    def component_rules(self, root: int) -> set[str]:
        return self.rules.get(root, set())

    def mark(self, index: int, rule: str) -> None:
        root = self.uf.find(index)
        self.rules[root] = self.rules.get(root, set()) | {rule}

    def buckets(self) -> dict[tuple[str, str, date], list[int]]:
        out: dict[tuple[str, str, date], list[int]] = defaultdict(list)
        for i, listing in enumerate(self.listings):
            out[(listing.state, listing.model, listing.signed)].append(i)
        return out

    def name_tiers(self) -> None:
        for _key, members in sorted(self.buckets().items(), key=lambda kv: str(kv[0])):
            if len(members) < 2:
                continue
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    self._pair(members[x], members[y])

    def _pair(self, i: int, j: int) -> None:
        a, b = self.listings[i], self.listings[j]
        if self.is_distinct(a, b):
            return
        dist = OSA.distance(a.canon, b.canon)
        same_digits = digit_signature(a.canon) == digit_signature(b.canon)
        disjoint = a.presence.windows_disjoint(b.presence)
        small, big = sorted((a, b), key=lambda lst: lst.presence.count)
        ratio = small.presence.count / max(big.presence.count, 1)
        dominated = ratio <= DOMINATED_RATIO and not self.established(small)
        ta, tb = tokens(a.canon), tokens(b.canon)
        superset = ta <= tb or tb <= ta
        evidence = {
            "distance": dist,
            "disjoint": disjoint,
            "ratio": round(ratio, 3),
            "a_lists": a.presence.count,
            "b_lists": b.presence.count,
        }
        if same_digits and dist == 1 and self.one_list_misprint(i, j):
            self.merge(
                i,
                j,
                "near_duplicate",
                "a spelling printed on one list only, one edit from the agreement's own row "
                "beside it (same county, model and date): a misprinted second row",
                {**evidence, "co_listed_spellings": sorted({a.canon, b.canon})},
                guard=False,
            )
            return
        if same_digits and (
            (dist <= TYPO_DISTANCE and (disjoint or dominated))
            or (dist == TYPO_DISTANCE_STRICT and disjoint and dominated)
        ):
            self.merge(
                i,
                j,
                "typo",
                f"spellings {dist} edit(s) apart",
                evidence,
                agency_guard=not (dist <= TYPO_DISTANCE and self.one_agency_typo(i, j)),
            )
            return
        if superset and same_digits and (disjoint or dominated):
            self.merge(i, j, "modifier", "one name's words contain the other's", evidence)
            return
        if self._rename(a, b) or self._rename(b, a):
            self.merge(i, j, "rename", "adjacent lists link the same MOA file", evidence)
            return
        if a.presence.overlaps(b.presence):
            return  # printed side by side: never one agreement, not even a candidate
        near = (dist <= TYPO_DISTANCE_STRICT or superset) and same_digits
        if near and not (self.established(a) and self.established(b)):
            self.candidates.append(
                Candidate(
                    "identity_near_dup",
                    _describe(a),
                    _describe(b),
                    "same" if dist <= TYPO_DISTANCE else "distinct",
                    f"distance {dist}, windows {'disjoint' if disjoint else 'overlap'}, "
                    f"ratio {ratio:.2f}",
                )
            )

    def _rename(self, old: Listing, new: Listing) -> bool:
        if old.presence.last + 1 != new.presence.first:
            return False
        if not old.last_moa_key or old.last_moa_key != new.first_moa_key:
            return False
        words = naming_tokens(old.canon) | naming_tokens(new.canon)
        return any(w in old.last_moa_key for w in words)

    def relabels(self) -> None:
        groups = self.uf.groups()
        info = []
        for root, members in groups.items():
            lst = [self.listings[m] for m in members]
            presence = Presence.union(x.presence for x in lst)
            info.append((root, lst, presence))
        by_key: dict[tuple[str, str, date], list[tuple[int, list[Listing], Presence]]] = (
            defaultdict(list)
        )
        for root, lst, presence in info:
            by_key[(lst[0].state, lst[0].model, lst[0].signed)].append((root, lst, presence))
        for key, comps in sorted(by_key.items(), key=lambda kv: str(kv[0])):
            if len(comps) < 2:
                continue
            for root, lst, presence in comps:
                if any(x.ever_linked for x in lst) or presence.last >= self.newest:
                    continue
                nexts = [c for c in comps if c[0] != root and c[2].first == presence.last + 1]
                if len(nexts) != 1:
                    continue
                other_root, other, _ = nexts[0]
                names = {(x.state, x.canon) for x in lst + other}
                if names & self.distinct_names:
                    continue
                old_county = _county_at(lst, presence.last)
                new_county = _county_at(other, presence.last + 1)
                if old_county and new_county and old_county != new_county:
                    self.candidates.append(
                        Candidate(
                            "blocked_relabel",
                            _describe(lst[0]),
                            _describe(other[0]),
                            "distinct",
                            f"would be a relabel, but the county differs ({old_county} vs "
                            f"{new_county}): kept apart (a curated alias can join them)",
                        )
                    )
                    continue
                self.merge(
                    root,
                    other_root,
                    "relabel",
                    "never linked an MOA, left the list, and exactly one other agency with the "
                    f"same state, model and date ({key[1]} {key[2]}) appeared on the next list",
                    {"old": lst[0].canon, "new": other[0].canon},
                )


def _county_key(county: str | None) -> str | None:
    if not county:
        return None
    words = [w for w in county.lower().replace(".", " ").split() if w not in _COUNTY_WORDS]
    return " ".join(words) or None


_COUNTY_WORDS = frozenset({"county", "parish", "borough", "co", "cnty", "city", "and"})


def _county_at(listings: list[Listing], seq: int) -> str | None:
    """The county ICE printed for these listings on list ``seq`` (None if blank or unknown)."""
    for listing in listings:
        for o in listing.obs:
            if seq in o.presence:
                key = _county_key(o.county)
                if key:
                    return key
    return None


def resolve_identities(
    observations: list[Obs],
    curated: Curated,
    newest: int,
    seq_dates: dict[int, date],
    aliased: set[tuple[str, str]] | None = None,
) -> Identities:
    """Group participating observations into agreements (see the module docstring).

    ``aliased`` holds the (state, canonical name) pairs produced by a curated
    identity alias, so agreements containing them are labelled ``alias``.
    """
    usable = []
    unresolved = []
    for o in observations:
        if o.signed is None:
            unresolved.append((o, "no usable signing date"))
        elif o.model is None:
            unresolved.append((o, "no known model (SUPPORT TYPE)"))
        elif not o.canon:
            unresolved.append((o, "no agency name"))
        else:
            usable.append(o)
    usable, impossible = impossible_dates(usable, seq_dates)
    redated, typo_decisions = year_typos(usable, seq_dates)
    moved, decisions = wrong_state_stretches(redated)
    decisions = impossible + typo_decisions + decisions
    listings = make_listings(moved)
    tiers = _Tiers(listings, curated, newest)
    tiers.decisions.extend(decisions)
    for i, listing in enumerate(listings):
        if aliased and (listing.state, listing.canon) in aliased:
            tiers.mark(i, "alias")
    tiers.name_tiers()
    tiers.relabels()
    agency_uf, agency_of = _agencies(listings, tiers, curated)
    _date_folds(listings, tiers, agency_of, agency_uf, newest, seq_dates)
    groups = []
    rules = []
    for root, members in tiers.uf.groups().items():
        members.sort(
            key=lambda m: (listings[m].presence.first, listings[m].signed, listings[m].canon)
        )
        groups.append(members)
        rules.append(tiers.component_rules(root))
    unresolved, attached = attach_undated(listings, groups, unresolved)
    tiers.decisions.extend(attached)
    order = sorted(range(len(groups)), key=lambda g: listings[groups[g][0]].key)
    final_agency = {k: agency_uf.find(v) for k, v in agency_of.items()}
    return Identities(
        listings,
        [groups[g] for g in order],
        [rules[g] for g in order],
        final_agency,
        tiers.decisions,
        tiers.candidates,
        unresolved,
    )


def _agencies(
    listings: list[Listing], tiers: _Tiers, curated: Curated
) -> tuple[UnionFind, dict[tuple[str, str], int]]:
    """Group spellings into agencies: every merged agreement joins its spellings."""
    nodes = sorted({(x.state, x.canon) for x in listings})
    index = {n: i for i, n in enumerate(nodes)}
    for a in curated.aliases:
        if a.relation == "same" and a.scope == "agency":
            for n in ((a.state, a.alias_key), (a.state, a.canonical_key)):
                if n not in index:
                    index[n] = len(nodes)
                    nodes.append(n)
    uf = UnionFind(len(nodes))
    for members in tiers.uf.groups().values():
        first = index[(listings[members[0]].state, listings[members[0]].canon)]
        for m in members[1:]:
            uf.union(first, index[(listings[m].state, listings[m].canon)])
    for a in curated.aliases:
        if a.relation == "same" and a.scope == "agency":
            uf.union(index[(a.state, a.alias_key)], index[(a.state, a.canonical_key)])
    return uf, index


def _date_folds(
    listings: list[Listing],
    tiers: _Tiers,
    agency_of: dict[tuple[str, str], int],
    agency_uf: UnionFind,
    newest: int,
    seq_dates: dict[int, date],
) -> None:
    """T4: fold an agreement into the same agency's next-list agreement under another date."""
    comps = []
    for root, members in tiers.uf.groups().items():
        lst = [listings[m] for m in members]
        presence = Presence.union(x.presence for x in lst)
        agency = agency_uf.find(agency_of[(lst[0].state, lst[0].canon)])
        comps.append((root, lst, presence, agency))
    by_agency: dict[tuple[int, str], list[tuple[int, list[Listing], Presence, int]]] = defaultdict(
        list
    )
    for c in comps:
        by_agency[(c[3], c[1][0].model)].append(c)
    for _key, group in sorted(by_agency.items()):
        if len(group) < 2:
            continue
        group.sort(key=lambda c: (c[2].first, c[1][0].signed))
        for root, lst, presence, _ in group:
            if presence.last >= newest:
                continue
            old_signed = max(lst, key=lambda x: x.presence.last).signed
            last_listing = max(lst, key=lambda x: x.presence.last)
            successors = [
                c
                for c in group
                if c[0] != root
                and c[2].first == presence.last + 1
                and all(x.signed != old_signed for x in c[1])
            ]
            straddle = [
                c
                for c in group
                if c[0] != root and c[2].first <= presence.last and c[2].last > presence.last
            ]
            if not successors or straddle:
                continue
            for other_root, other, other_presence, _ in sorted(
                successors, key=lambda c: c[2].first
            ):
                first_new = min(other, key=lambda x: (x.presence.first, x.signed))
                delta = abs((first_new.signed - old_signed).days)
                rule = _fold_rule(last_listing, lst, first_new, delta)
                if rule is None:
                    continue
                if not tiers.merge(
                    root,
                    other_root,
                    "date_corrected",
                    f"{rule}: SIGNED {old_signed} re-printed as {first_new.signed} "
                    f"({delta} days) on the next list",
                    {
                        "rule": rule,
                        "from": old_signed.isoformat(),
                        "to": first_new.signed.isoformat(),
                        "days": delta,
                        "list": seq_dates.get(other_presence.first, date.min).isoformat(),
                    },
                ):
                    continue
                break


def _fold_rule(old_last: Listing, old: list[Listing], new_first: Listing, delta: int) -> str | None:
    same_day = (old_last.signed.month, old_last.signed.day) == (
        new_first.signed.month,
        new_first.signed.day,
    )
    if delta in (365, 366) and same_day:
        return "year_typo"
    never_linked = not any(x.ever_linked for x in old)
    if never_linked and new_first.first_linked and delta <= FOLD_PENDING_POSTED_DAYS:
        return "link_pending_then_posted"
    if never_linked and not new_first.first_linked and delta <= FOLD_PENDING_DAYS:
        return "link_pending_redated"
    if (
        old_last.last_moa_key
        and old_last.last_moa_key == new_first.first_moa_key
        and (delta <= FOLD_SAME_FILE_DAYS or delta in (365, 366))
    ):
        return "same_moa_file"
    if not old_last.last_linked and delta <= FOLD_UNLINKED_DAYS:
        return "unlinked_redated"
    return None


def resolution_label(rules: set[str]) -> str:
    for label in RESOLUTION_ORDER:
        if label in rules:
            return label
    return "exact"
