"""Run a simulation: history -> workbooks, manifest and truth files on disk."""

from __future__ import annotations

import csv
import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from g287.errors import InvalidQuery
from g287.simulate.config import SimulationConfig
from g287.simulate.history import Simulator
from g287.simulate.model import Publication
from g287.simulate.render import render
from g287.simulate.truth import TruthWriter

MANIFEST_FIELDS = (
    "folder",
    "file_name",
    "kind",
    "ice_date",
    "ice_ampm",
    "ice_suffix",
    "first_seen_utc",
    "sha256",
    "size",
)


@dataclass(frozen=True)
class SimulationSummary:
    """What a run wrote, and how long it took."""

    out_dir: Path
    seed: int
    steps: int  # ICE publication moments simulated, captured or not
    participating_files: int
    pending_files: int
    distinct_files: int
    rows: int  # truth rows (distinct workbooks only)
    agreements: int  # agreements with at least one row
    agencies: int
    statuses: dict[str, int] = field(default_factory=dict)
    bytes_written: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "out_dir": str(self.out_dir),
            "seed": self.seed,
            "steps": self.steps,
            "participating_files": self.participating_files,
            "pending_files": self.pending_files,
            "distinct_files": self.distinct_files,
            "rows": self.rows,
            "agreements": self.agreements,
            "agencies": self.agencies,
            "statuses": dict(self.statuses),
            "bytes_written": self.bytes_written,
            "seconds": round(self.seconds, 3),
        }


def simulate(
    out_dir: Path,
    *,
    seed: int = 1,
    publications: int = 60,
    agreements: int = 400,
    pending: bool = True,
    hard: bool | None = None,
    config: SimulationConfig | None = None,
    compresslevel: int = 3,
) -> SimulationSummary:
    """Write a seeded ICE-style history to ``out_dir/sheets`` and its truth to ``out_dir/truth``.

    ``config`` overrides every rate; ``publications``, ``agreements`` and ``pending``
    override the matching fields of it; ``hard`` (when given) stages every hard-case
    scenario (:mod:`g287.simulate.hard`). The same arguments always give the same bytes.
    ``compresslevel`` is the deflate level of the workbooks (3: fast, close to Excel's size).
    """
    began = time.perf_counter()
    cfg = replace(
        config or SimulationConfig(),
        publications=publications,
        agreements=agreements,
        pending=pending,
    )
    if hard is not None:
        cfg = replace(cfg, hard=hard)
    if cfg.publications < 1 or cfg.agreements < 1:
        raise ValueError("publications and agreements must be at least 1")
    out_dir = Path(out_dir)
    sheets = out_dir / "sheets"
    try:
        sheets.mkdir(parents=True, exist_ok=True)
        (out_dir / "truth").mkdir(exist_ok=True)
    except OSError as exc:  # out_dir, or a folder above it, is a file; no permission ...
        reason = exc.strerror or type(exc).__name__
        raise InvalidQuery(f"cannot write a simulation into {out_dir}: {reason.lower()}") from None
    sim = Simulator(cfg, seed)
    truth = TruthWriter(out_dir / "truth")
    manifest: list[dict[str, Any]] = []
    counts = {"participating": 0, "pending": 0}
    written = 0
    try:
        for pub, data, sha in _workbooks(sim.run(), compresslevel):
            path = sheets / pub.folder / pub.file_name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written += len(data)
            counts[pub.kind] += 1
            manifest.append(_manifest_row(pub, sha, len(data)))
            truth.add(pub, sha)
    finally:
        statuses = truth.close(sim.agreements, sim.events, sim.scenarios)
    _write_manifest(sheets / "manifest.csv", manifest)
    return SimulationSummary(
        out_dir=out_dir,
        seed=seed,
        steps=getattr(sim, "steps", 0),
        participating_files=counts["participating"],
        pending_files=counts["pending"],
        distinct_files=len(truth.shas),
        rows=truth.row_count,
        agreements=sum(statuses.values()),
        agencies=len({a.agency.id for a in sim.agreements if a.id in truth.seen}),
        statuses=statuses,
        bytes_written=written,
        seconds=time.perf_counter() - began,
    )


def _render(pub: Publication, compresslevel: int) -> tuple[bytes, str]:
    data = render(pub, compresslevel=compresslevel)
    return data, hashlib.sha256(data).hexdigest()


def _workbooks(
    publications: Iterator[Publication], compresslevel: int
) -> Iterator[tuple[Publication, bytes, str]]:
    """Each publication with its bytes, in order; a re-publication reuses its source's bytes."""
    last: dict[str, tuple[bytes, str]] = {}  # the newest workbook of each kind
    for pub in publications:
        if pub.copy_of is None:
            last[pub.kind] = _render(pub, compresslevel)
        yield (pub, *last[pub.kind])


def _manifest_row(pub: Publication, sha: str, size: int) -> dict[str, Any]:
    return {
        "folder": pub.folder,
        "file_name": pub.file_name,
        "kind": pub.kind,
        "ice_date": pub.published.isoformat(),
        "ice_ampm": pub.part,
        "ice_suffix": "",
        "first_seen_utc": pub.first_seen.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sha256": sha,
        "size": size,
    }


def _write_manifest(path: Path, rows: list[dict[str, Any]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
