"""The change feed as Atom 1.0 and JSON Feed 1.1.

Entries are the stored events (changes between consecutive lists), newest first.
Each entry's id is the event's stable id, so a rebuild reproduces the same feed and
readers never see an entry twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from g287.model.models import MODEL_NAMES
from g287.version import __version__

FEED_ID = "urn:g287:changes"
TITLES = {
    "added": "New agreement",
    "renewed": "Agreement renewed",
    "returned": "Agreement listed again",
    "removed": "Agreement removed",
    "missing": "Agreement missing from one list",
    "renamed": "Agency renamed",
    "re_dated": "Signing date re-printed",
    "state_corrected": "State corrected",
    "county_changed": "County changed",
    "type_changed": "Jurisdiction type changed",
    "moa_posted": "MOA posted",
    "moa_withdrawn": "MOA link withdrawn",
    "moa_changed": "MOA link changed",
    "addendum_posted": "Addendum posted",
    "addendum_changed": "Addendum link changed",
    "addendum_withdrawn": "Addendum link withdrawn",
    "pending_added": "New pending request",
    "pending_returned": "Pending request listed again",
    "pending_converted": "Pending request became an agreement",
    "pending_dropped": "Pending request dropped",
}


def _stamp(day: str | date) -> str:
    d = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime(d.year, d.month, d.day, tzinfo=UTC).isoformat().replace("+00:00", "Z")


def feed_title(state: str | None = None, model: str | None = None) -> str:
    """The feed's title, naming the state and model it is filtered on."""
    title = "g287: changes to ICE's 287(g) agreements"
    if state or model:
        title += " (" + ", ".join(x.upper() for x in (state, model) if x) + ")"
    return title


def entry_title(event: dict[str, Any]) -> str:
    model = MODEL_NAMES.get(event["model"], event["model"])
    return (
        f"{TITLES.get(event['kind'], event['kind'])}: {event['name']} ({event['state']}, {model})"
    )


def entry_summary(event: dict[str, Any]) -> str:
    parts = [
        f"On ICE's list {event.get('publication') or event['publication_id']} "
        f"published {event['published_date']}"
    ]
    if event.get("before") or event.get("after"):
        parts.append(
            f"{event.get('field') or 'value'}: {event.get('before') or '-'} -> "
            f"{event.get('after') or '-'}"
        )
    if event.get("related_id"):
        parts.append(f"related: {event['related_id']}")
    parts.append(f"agreement: {event['subject_id']}")
    return "; ".join(parts) + "."


def atom_feed(
    events: Sequence[dict[str, Any]],
    *,
    title: str = "g287: changes to ICE's 287(g) agreements",
    self_url: str = "",
    site_url: str = "",
    feed_id: str = FEED_ID,
) -> str:
    """An Atom 1.0 document (RFC 4287); ``feed_id`` names a filtered feed (one county's)."""
    updated = _stamp(events[0]["published_date"]) if events else _stamp(date(2000, 1, 1))
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <id>{escape(feed_id)}</id>",
        f"  <title>{escape(title)}</title>",
        f"  <updated>{updated}</updated>",
        f'  <generator version="{escape(__version__)}">g287</generator>',
        "  <author><name>g287</name></author>",
    ]
    if self_url:
        out.append(f'  <link rel="self" href={quoteattr(self_url)}/>')
    if site_url:
        out.append(f'  <link rel="alternate" href={quoteattr(site_url)}/>')
    for e in events:
        stamp = _stamp(e["published_date"])
        out += [
            "  <entry>",
            f"    <id>urn:g287:event:{escape(e['id'])}</id>",
            f"    <title>{escape(entry_title(e))}</title>",
            f"    <updated>{stamp}</updated>",
            f"    <published>{stamp}</published>",
            f"    <category term={quoteattr(e['kind'])}/>",
            f"    <category term={quoteattr('state:' + e['state'])}/>",
            f"    <category term={quoteattr('model:' + e['model'])}/>",
            f"    <summary>{escape(entry_summary(e))}</summary>",
        ]
        if site_url:
            href = f"{site_url.rstrip('/')}/agreements/{quote(e['subject_id'], safe='')}"
            out.append(f'    <link rel="alternate" href={quoteattr(href)}/>')
        out.append("  </entry>")
    out.append("</feed>")
    return "\n".join(out) + "\n"


def json_feed(
    events: Sequence[dict[str, Any]],
    *,
    title: str = "g287: changes to ICE's 287(g) agreements",
    self_url: str = "",
    site_url: str = "",
) -> dict[str, Any]:
    """A JSON Feed 1.1 document (https://jsonfeed.org/version/1.1)."""
    feed: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "authors": [{"name": "g287"}],
        "items": [],
    }
    if self_url:
        feed["feed_url"] = self_url
    if site_url:
        feed["home_page_url"] = site_url
    for e in events:
        item = {
            "id": e["id"],
            "title": entry_title(e),
            "content_text": entry_summary(e),
            "date_published": _stamp(e["published_date"]),
            "tags": [e["kind"], f"state:{e['state']}", f"model:{e['model']}"],
            "_g287": {
                k: e.get(k)
                for k in (
                    "kind",
                    "subject_id",
                    "agency_id",
                    "state",
                    "model",
                    "field",
                    "before",
                    "after",
                    "related_id",
                    "publication_id",
                    "previous_publication_id",
                )
            },
        }
        if site_url:
            item["url"] = f"{site_url.rstrip('/')}/agreements/{quote(e['subject_id'], safe='')}"
        feed["items"].append(item)
    return feed
