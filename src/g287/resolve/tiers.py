"""The name tiers of identity resolution (T2 typo, T3 modifier, T3b rename, T3c relabel),
each gated so that two real agencies never merge, with the co-listing guard: two
spellings printed on one list are never one agency (see :mod:`g287.resolve.identity`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date

from rapidfuzz.distance import OSA

from g287.resolve.fixes import Curated
from g287.resolve.model import Candidate, Decision, Listing
from g287.resolve.names import digit_signature, naming_tokens, tokens
from g287.resolve.presence import Presence

TYPO_DISTANCE = 2


TYPO_DISTANCE_STRICT = 3


DOMINATED_RATIO = 0.25


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


def _describe(listing: Listing) -> str:
    return f"{listing.state} | {listing.canon} | {listing.model} | {listing.signed}"


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
