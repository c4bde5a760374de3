"""The change feed (Atom, JSON Feed) and webhook delivery against a local receiver."""

import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import feedparser
import pytest
from click.testing import CliRunner

from g287.interfaces.cli import cli
from g287.interfaces.feeds import atom_feed, json_feed
from g287.interfaces.webhooks import Webhooks, verify
from g287.query.catalog import events_page


@pytest.fixture
def events(shared_history):
    with shared_history.db.connect() as conn:
        return events_page(conn)["data"]


def test_atom_feed_parses_back(events):
    site = "https://g287.example.org"
    xml = atom_feed(events[:50], site_url=site, self_url=f"{site}/feed.atom")
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert len(parsed.entries) == 50
    first = parsed.entries[0]
    assert first.id == f"urn:g287:event:{events[0]['id']}"
    assert first.link.startswith("https://g287.example.org/agreements/")
    assert first.updated.startswith(events[0]["published_date"])


def test_feed_escapes_agency_names():
    event = {
        "id": "ev_1",
        "kind": "added",
        "published_date": "2025-07-07",
        "publication_id": "pb_x",
        "subject_id": "FL-x#TFM#2025-01-01",
        "agency_id": "FL-x",
        "state": "FL",
        "model": "TFM",
        "name": "<script>alert(1)</script> & Co",
        "field": None,
        "before": None,
        "after": None,
        "related_id": None,
    }
    parsed = feedparser.parse(atom_feed([event]))
    assert not parsed.bozo
    assert parsed.entries[0].title.startswith("New agreement: <script>alert(1)</script> & Co")
    assert "<script>" not in atom_feed([event])


def test_json_feed_and_filters(shared_history, events):
    feed = json_feed(events)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert [i["id"] for i in feed["items"]] == [e["id"] for e in events]
    env = {
        "G287_DATA_DIR": str(shared_history.archive.root.parent),
        "G287_DATABASE_URL": shared_history.db.url,
    }
    result = CliRunner().invoke(
        cli, ["feed", "--format", "json", "--state", "TX", "--model", "JEM"], env=env
    )
    items = json.loads(result.stdout)["items"]
    assert items and all("state:TX" in i["tags"] and "model:JEM" in i["tags"] for i in items)
    atom = CliRunner().invoke(cli, ["feed", "--state", "FL"], env=env)
    assert not feedparser.parse(atom.stdout).bozo


class Receiver:
    """A local webhook receiver; fails the first ``fail_first`` requests with a 500."""

    def __init__(self, fail_first=0):
        self.received = []
        self.fail_first = fail_first
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                if len(receiver.received) <= receiver.fail_first:
                    self.send_response(500)
                else:
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def test_webhooks_are_signed_retried_and_never_sent_twice(events, tmp_path):
    wanted = [e for e in events if e["state"] == "TX"][:5]
    with Receiver(fail_first=1) as receiver:
        hooks = Webhooks(tmp_path)
        sub = hooks.add(receiver.url, secret="s3cret", states=["TX"], since=None)
        hooks.remove(sub.id)
        sub = hooks.add(receiver.url, secret="s3cret", states=["TX"], since=date(2025, 1, 1))
        report = hooks.deliver(wanted, sleep=lambda _s: None)
        assert len(report.delivered) == 5 and not report.failed
        assert len(receiver.received) == 6  # one 500, retried
        headers, body = receiver.received[0]
        assert headers["X-G287-Delivery-Attempt"] == "1"
        assert receiver.received[1][0]["X-G287-Delivery-Attempt"] == "2"
        assert verify(b"s3cret", body, headers["X-G287-Signature"])
        assert not verify(b"wrong", body, headers["X-G287-Signature"])
        assert json.loads(body)["id"] == headers["X-G287-Event-Id"]
        # a restart (a new object reading the same files) sends nothing again
        again = Webhooks(tmp_path).deliver(wanted + [e for e in events if e["state"] == "FL"][:3])
        assert again.delivered == [] and again.skipped == 5
        assert len(receiver.received) == 6


def test_a_dead_receiver_is_retried_on_the_next_run(events, tmp_path):
    hooks = Webhooks(tmp_path)
    hooks.add("http://127.0.0.1:9/nothing-listens-here", secret="x", since=date(2025, 1, 1))
    report = hooks.deliver(events[:1], sleep=lambda _s: None)
    assert len(report.failed) == 1 and "ConnectError" in report.failed[0][2]
    assert Webhooks(tmp_path).delivered() == set()
