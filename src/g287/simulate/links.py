"""MOA and addendum hyperlinks the way ICE's staff paste them.

Direct links look like
``https://www.ice.gov/doclib/287gMOA/<AgencyCamel><ST>_<MODEL>_MOA_<MMDDYYYY>.pdf``
(older agreements ``287g<MODEL>_<Name><St><YYYY-MM-DD>.pdf``, some over ``http://``).
Links copied from e-mail are wrapped in an Outlook safelink whose ``data=`` names a
mailbox; the simulator uses a made-up one.
"""

from __future__ import annotations

import random
from datetime import date
from urllib.parse import quote

from g287.simulate.model import Agreement
from g287.simulate.names import camel

BASE = "https://www.ice.gov/doclib/287gMOA/"
SAFELINK = "https://gcc02.safelinks.protection.outlook.com/"
MAILBOX = "sim.287g%40example.gov"  # made up: real safelinks embed staff mailboxes


def moa_url(
    rng: random.Random,
    agreement: Agreement,
    *,
    legacy: bool,
    safelink: bool,
    signed: date | None = None,
) -> str:
    """The hyperlink target of an agreement's MOA (or addendum) PDF."""
    ag = agreement.agency
    when = signed or agreement.signed or date(2025, 1, 1)
    if legacy:
        short = camel(ag.name).replace("SheriffsOffice", "").replace("Sheriffs", "")
        name = f"287g{agreement.model}_{short}{ag.state.title()}{when.isoformat()}.pdf"
        scheme = "http://" if rng.random() < 0.15 else "https://"
        return scheme + BASE.removeprefix("https://") + name
    if rng.random() < 0.1:  # the PDF name and SIGNED disagree by a day
        when = date.fromordinal(when.toordinal() + rng.choice((-1, 1)))
    roll = rng.random()
    if roll < 0.6:
        stamp = f"{when:%m%d%Y}"
    elif roll < 0.9:
        stamp = f"{when:%m.%d.%Y}"
    else:
        stamp = f"{when:%m.%d.%y}"
    url = f"{BASE}{camel(ag.name)}{ag.state}_{agreement.model}_MOA_{stamp}.pdf"
    return wrap_safelink(rng, url) if safelink else url


def wrap_safelink(rng: random.Random, url: str) -> str:
    def hexes(n: int) -> str:
        return "".join(rng.choice("0123456789abcdef") for _ in range(n))

    ticks = "".join(rng.choice("0123456789") for _ in range(18))
    data = (
        f"05%7C02%7C{MAILBOX}%7C{hexes(32)}%7C{hexes(32)}%7C0%7C0%7C{ticks}"
        "%7CUnknown%7CTWFpbGZsb3d8eyJFbXB0eU1hcGkiOnRydWV9%7C0%7C%7C%7C"
    )
    sdata = "".join(
        rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop0123456789") for _ in range(43)
    )
    return f"{SAFELINK}?url={quote(url, safe='')}&data={data}&sdata={sdata}%3D&reserved=0"
