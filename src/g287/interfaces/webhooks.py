"""Deliver change events to webhooks: signed, retried, never sent twice.

Subscriptions live in ``<data dir>/webhooks.json`` and the delivery log in
``<data dir>/webhook_deliveries.jsonl`` — beside the raw archive, not in the
database, so ``g287 rebuild`` (which re-derives events with the same ids) keeps
both. An event is sent to a subscription once: it is logged as delivered right
after a 2xx answer, and skipped on every later run, after restarts included.
Failures are retried with backoff within a run, then on the next run.

A subscription may be filtered by state, model, kind of change, county (FIPS: the
events of every agency covering it, state agencies included) and agency (id); county
filters need the events to name their agency's counties (``county_fips``,
``statewide``), which ``g287 webhooks deliver`` adds (:func:`g287.query.trends.with_places`).

Each POST carries the event as JSON and the headers ``X-G287-Event-Id`` (for
receivers that want to be idempotent), ``X-G287-Delivery-Attempt`` and
``X-G287-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx

from g287.errors import ConfigError
from g287.model.states import STATES
from g287.version import __version__

MAX_ATTEMPTS = 3
BACKOFF_SECONDS = 0.5
TIMEOUT_SECONDS = 10.0
USER_AGENT = f"g287/{__version__} (+https://github.com/g287/g287)"


@dataclass(frozen=True)
class Subscription:
    id: str
    url: str
    secret: str = ""
    secret_env: str = ""
    states: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    since: str = ""  # ISO date: only events on lists published on or after it
    counties: tuple[str, ...] = ()  # county FIPS: events of agencies covering one of them
    agencies: tuple[str, ...] = ()  # agency ids

    def key(self) -> bytes:
        value = os.environ.get(self.secret_env, "") if self.secret_env else self.secret
        if not value:
            raise ConfigError(f"webhook {self.id}: no secret (set {self.secret_env or 'secret'})")
        return value.encode()

    def wants(self, event: dict[str, Any]) -> bool:
        return (
            (not self.states or event["state"] in self.states)
            and (not self.models or event["model"] in self.models)
            and (not self.kinds or event["kind"] in self.kinds)
            and (not self.since or str(event["published_date"]) >= self.since)
            and (not self.agencies or event.get("agency_id") in self.agencies)
            and (not self.counties or covers_any(event, self.counties))
        )


def covers_any(event: dict[str, Any], counties: Sequence[str]) -> bool:
    """Whether the event's agency covers one of ``counties``: the event names its agency's
    counties (``county_fips``, see :func:`g287.query.trends.with_places`), or its agency
    is a state agency (``statewide``), covering every county of its state. An event that
    says neither covers none."""
    own = set(event.get("county_fips") or ())
    if own.intersection(counties):
        return True
    if event.get("statewide"):
        prefix = STATES.get(str(event.get("state", "")), ("", "??"))[1]
        return any(c.startswith(prefix) for c in counties)
    return False


@dataclass
class DeliveryReport:
    delivered: list[tuple[str, str]] = field(default_factory=list)  # (subscription, event id)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (..., reason)
    skipped: int = 0


def sign(secret: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify(secret: bytes, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, body), signature)


class Webhooks:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.config_path = self.data_dir / "webhooks.json"
        self.log_path = self.data_dir / "webhook_deliveries.jsonl"

    # -- subscriptions ---------------------------------------------------------

    def subscriptions(self) -> list[Subscription]:
        if not self.config_path.exists():
            return []
        try:
            raw = json.loads(self.config_path.read_text(encoding="utf-8"))
            return [
                Subscription(
                    id=s["id"],
                    url=s["url"],
                    secret=s.get("secret", ""),
                    secret_env=s.get("secret_env", ""),
                    states=tuple(s.get("states", ())),
                    models=tuple(s.get("models", ())),
                    kinds=tuple(s.get("kinds", ())),
                    since=s.get("since", ""),
                    counties=tuple(s.get("counties", ())),
                    agencies=tuple(s.get("agencies", ())),
                )
                for s in raw
            ]
        except (ValueError, TypeError, KeyError) as exc:
            raise ConfigError(f"{self.config_path}: not a webhook list ({exc})") from None

    def _save(self, subs: Sequence[Subscription]) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.config_path.with_suffix(".tmp")
        tmp.write_text(json.dumps([asdict(s) for s in subs], indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, self.config_path)

    def add(
        self,
        url: str,
        *,
        secret: str = "",
        secret_env: str = "",
        states: Sequence[str] = (),
        models: Sequence[str] = (),
        kinds: Sequence[str] = (),
        since: date | None = None,
        counties: Sequence[str] = (),
        agencies: Sequence[str] = (),
    ) -> Subscription:
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"webhook URL must be http(s): {url!r}")
        for fips in counties:
            if not (fips.isdigit() and len(fips) == 5):
                raise ConfigError(f"a county is its 5-digit FIPS code, not {fips!r}")
        if not secret and not secret_env:
            raise ConfigError("a webhook needs --secret or --secret-env (it signs every delivery)")
        sub = Subscription(
            id="wh_" + secrets.token_hex(4),
            url=url,
            secret=secret,
            secret_env=secret_env,
            states=tuple(s.upper() for s in states),
            models=tuple(m.upper() for m in models),
            kinds=tuple(kinds),
            since=(since or datetime.now(UTC).date()).isoformat(),
            counties=tuple(counties),
            agencies=tuple(agencies),
        )
        self._save([*self.subscriptions(), sub])
        return sub

    def remove(self, sub_id: str) -> None:
        subs = self.subscriptions()
        if not any(s.id == sub_id for s in subs):
            raise ConfigError(f"no webhook {sub_id!r}")
        self._save([s for s in subs if s.id != sub_id])

    # -- delivery log ------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.data_dir / ".webhooks.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def delivered(self) -> set[tuple[str, str]]:
        done: set[tuple[str, str]] = set()
        if not self.log_path.exists():
            return done
        with open(self.log_path, encoding="utf-8") as handle:
            for line in handle:
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue  # a line cut short by a crash
                if rec.get("status") == "delivered":
                    done.add((rec["subscription"], rec["event"]))
        return done

    def _log(self, record: dict[str, Any]) -> None:
        with open(self.log_path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    # -- delivery ------------------------------------------------------------------

    def deliver(
        self,
        events: Sequence[dict[str, Any]],
        *,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> DeliveryReport:
        """Send every event each subscription wants and has not yet received, oldest first."""
        report = DeliveryReport()
        subs = self.subscriptions()
        if not subs:
            return report
        own = client is None
        http = client or httpx.Client(timeout=TIMEOUT_SECONDS, headers={"User-Agent": USER_AGENT})
        try:
            with self._locked():
                done = self.delivered()
                ordered = sorted(events, key=lambda e: (str(e["published_date"]), e["id"]))
                for sub in subs:
                    key = sub.key()
                    for event in ordered:
                        if not sub.wants(event):
                            continue
                        if (sub.id, event["id"]) in done:
                            report.skipped += 1
                            continue
                        ok, reason = self._post(http, sub, key, event, sleep)
                        if ok:
                            report.delivered.append((sub.id, event["id"]))
                        else:
                            report.failed.append((sub.id, event["id"], reason))
        finally:
            if own:
                http.close()
        return report

    def _post(
        self,
        http: httpx.Client,
        sub: Subscription,
        key: bytes,
        event: dict[str, Any],
        sleep: Callable[[float], None],
    ) -> tuple[bool, str]:
        body = json.dumps(event, sort_keys=True, default=str).encode()
        reason = ""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            headers = {
                "Content-Type": "application/json",
                "X-G287-Event-Id": event["id"],
                "X-G287-Delivery-Attempt": str(attempt),
                "X-G287-Signature": sign(key, body),
            }
            try:
                response = http.post(sub.url, content=body, headers=headers)
                if 200 <= response.status_code < 300:
                    self._log(
                        {
                            "subscription": sub.id,
                            "event": event["id"],
                            "status": "delivered",
                            "attempt": attempt,
                            "at": datetime.now(UTC).isoformat(),
                        }
                    )
                    return True, ""
                reason = f"HTTP {response.status_code}"
                if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
                    break  # the receiver refuses it; retrying will not help
            except httpx.HTTPError as exc:
                reason = f"{type(exc).__name__}: {exc}"
            if attempt < MAX_ATTEMPTS:
                sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
        self._log(
            {
                "subscription": sub.id,
                "event": event["id"],
                "status": "failed",
                "reason": reason,
                "at": datetime.now(UTC).isoformat(),
            }
        )
        return False, reason
