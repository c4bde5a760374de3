"""US states and territories, and snapping ICE's STATE cells onto them."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import OSA

# USPS code -> (upper-case name, 2-digit FIPS)
STATES: dict[str, tuple[str, str]] = {
    "AL": ("ALABAMA", "01"),
    "AK": ("ALASKA", "02"),
    "AZ": ("ARIZONA", "04"),
    "AR": ("ARKANSAS", "05"),
    "CA": ("CALIFORNIA", "06"),
    "CO": ("COLORADO", "08"),
    "CT": ("CONNECTICUT", "09"),
    "DE": ("DELAWARE", "10"),
    "DC": ("DISTRICT OF COLUMBIA", "11"),
    "FL": ("FLORIDA", "12"),
    "GA": ("GEORGIA", "13"),
    "HI": ("HAWAII", "15"),
    "ID": ("IDAHO", "16"),
    "IL": ("ILLINOIS", "17"),
    "IN": ("INDIANA", "18"),
    "IA": ("IOWA", "19"),
    "KS": ("KANSAS", "20"),
    "KY": ("KENTUCKY", "21"),
    "LA": ("LOUISIANA", "22"),
    "ME": ("MAINE", "23"),
    "MD": ("MARYLAND", "24"),
    "MA": ("MASSACHUSETTS", "25"),
    "MI": ("MICHIGAN", "26"),
    "MN": ("MINNESOTA", "27"),
    "MS": ("MISSISSIPPI", "28"),
    "MO": ("MISSOURI", "29"),
    "MT": ("MONTANA", "30"),
    "NE": ("NEBRASKA", "31"),
    "NV": ("NEVADA", "32"),
    "NH": ("NEW HAMPSHIRE", "33"),
    "NJ": ("NEW JERSEY", "34"),
    "NM": ("NEW MEXICO", "35"),
    "NY": ("NEW YORK", "36"),
    "NC": ("NORTH CAROLINA", "37"),
    "ND": ("NORTH DAKOTA", "38"),
    "OH": ("OHIO", "39"),
    "OK": ("OKLAHOMA", "40"),
    "OR": ("OREGON", "41"),
    "PA": ("PENNSYLVANIA", "42"),
    "RI": ("RHODE ISLAND", "44"),
    "SC": ("SOUTH CAROLINA", "45"),
    "SD": ("SOUTH DAKOTA", "46"),
    "TN": ("TENNESSEE", "47"),
    "TX": ("TEXAS", "48"),
    "UT": ("UTAH", "49"),
    "VT": ("VERMONT", "50"),
    "VA": ("VIRGINIA", "51"),
    "WA": ("WASHINGTON", "53"),
    "WV": ("WEST VIRGINIA", "54"),
    "WI": ("WISCONSIN", "55"),
    "WY": ("WYOMING", "56"),
    "AS": ("AMERICAN SAMOA", "60"),
    "GU": ("GUAM", "66"),
    "MP": ("NORTHERN MARIANA ISLANDS", "69"),
    "PR": ("PUERTO RICO", "72"),
    "VI": ("U.S. VIRGIN ISLANDS", "78"),
}

TERRITORIES = frozenset({"AS", "GU", "MP", "PR", "VI"})

_ALIASES: dict[str, str] = {
    "COMMONWEALTH OF THE NORTHERN MARIANA ISLANDS": "MP",
    "CNMI": "MP",
    "VIRGIN ISLANDS": "VI",
    "US VIRGIN ISLANDS": "VI",
    "UNITED STATES VIRGIN ISLANDS": "VI",
    "WASHINGTON DC": "DC",
    "WASHINGTON D.C.": "DC",
    "D.C.": "DC",
    "COMMONWEALTH OF PUERTO RICO": "PR",
}

BY_NAME: dict[str, str] = {name: code for code, (name, _fips) in STATES.items()} | _ALIASES


def state_name(code: str) -> str:
    return STATES[code][0]


def state_code(text: str) -> str:
    """A state filter as its code (any case), or :class:`~g287.errors.InvalidQuery`
    naming the valid codes."""
    from g287.errors import InvalidQuery

    code = text.strip().upper()
    if code not in STATES:
        raise InvalidQuery(f"unknown state {text!r}: use one of {', '.join(sorted(STATES))}")
    return code


def state_title(code: str) -> str:
    """'NORTH CAROLINA' -> 'North Carolina', 'DISTRICT OF COLUMBIA' -> 'District of Columbia'."""
    words = state_name(code).title().split()
    return " ".join(w.lower() if w in {"Of", "The"} else w for w in words).replace("U.S.", "U.S.")


def state_fips(code: str) -> str:
    return STATES[code][1]


@lru_cache(maxsize=4096)
def match_state(text: str) -> tuple[str | None, str | None]:
    """Map a normalized (upper-case, squished) STATE cell to a USPS code.

    Returns ``(code, note)``; ``note`` says how a non-exact value was matched,
    ``code`` is None when no unique state is within edit distance 2.
    """
    key = text.strip(" *†.").upper()
    if not key:
        return None, None
    if key in BY_NAME:
        return BY_NAME[key], None
    if len(key) == 2 and key in STATES:
        return key, "two-letter code"
    scored = sorted((OSA.distance(key, name), code) for name, code in BY_NAME.items())
    best, code = scored[0]
    if best <= 2 and (len(scored) == 1 or scored[1][0] > best) and len(key) > 3:
        return code, f"nearest state name (edit distance {best})"
    return None, None
