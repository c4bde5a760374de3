"""Find the files an import was asked for: files, folders, manifest CSVs.

A folder is searched recursively for workbooks (``.xlsx``, ``.xlsm``, ``.xls``).
A ``manifest.csv`` at a folder's top, or given directly, supplies first-seen
times (column ``first_seen_utc``, ``first_seen``, ``retrieved_at`` or
``capture_time``) and optionally a ``sha256`` to verify, for files named by
``folder`` + ``file_name`` (or ``path``) relative to the manifest.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from g287.errors import InputError
from g287.store.archive import parse_utc

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
SEEN_COLUMNS = ("first_seen_utc", "first_seen", "retrieved_at", "capture_time", "seen_at")


@dataclass(frozen=True)
class FileToImport:
    path: Path
    name: str
    source: str
    seen_at: datetime
    expected_sha256: str | None = None


def is_manifest(path: Path) -> bool:
    return path.suffix.lower() == ".csv"


def read_manifest(path: Path) -> dict[Path, tuple[datetime | None, str | None]]:
    """Map each listed file (resolved path) to (first-seen time, sha256)."""
    out: dict[Path, tuple[datetime | None, str | None]] = {}
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            fields = set(reader.fieldnames or [])
            if not ({"file_name", "path", "saved_path"} & fields):
                raise InputError("manifest has no file_name or path column", source=str(path))
            for lineno, rec in enumerate(reader, start=2):
                rel = rec.get("path") or rec.get("saved_path")
                if not rel:
                    rel = str(Path(rec.get("folder") or "") / (rec.get("file_name") or ""))
                seen_text = next((rec[c] for c in SEEN_COLUMNS if rec.get(c)), None)
                try:
                    seen = parse_utc(seen_text) if seen_text else None
                except ValueError:
                    raise InputError(
                        f"line {lineno}: first-seen time {seen_text!r} is not ISO 8601",
                        source=str(path),
                    ) from None
                out[(path.parent / rel).resolve()] = (seen, (rec.get("sha256") or None))
    except OSError as exc:
        raise InputError(f"cannot read manifest: {exc.strerror}", source=str(path)) from None
    return out


def discover(paths: Iterable[Path], *, now: datetime) -> Iterator[FileToImport]:
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise InputError("no such file or folder", source=str(given))
        if path.is_dir():
            yield from _from_folder(path, now)
        elif is_manifest(path):
            yield from _from_manifest(path, now)
        else:
            yield FileToImport(path, path.name, str(path.resolve()), now)


def _from_manifest(path: Path, now: datetime) -> Iterator[FileToImport]:
    listed = read_manifest(path)
    items = []
    for file_path, (seen, sha) in listed.items():
        items.append(FileToImport(file_path, file_path.name, str(file_path), seen or now, sha))
    yield from sorted(items, key=lambda i: (i.seen_at, str(i.path)))


def _from_folder(folder: Path, now: datetime) -> Iterator[FileToImport]:
    manifest = folder / "manifest.csv"
    listed = read_manifest(manifest) if manifest.exists() else {}
    items = []
    for file_path in folder.rglob("*"):
        if not file_path.is_file() or file_path.name.startswith((".", "~$")):
            continue
        if file_path.suffix.lower() not in WORKBOOK_SUFFIXES:
            continue
        resolved = file_path.resolve()
        seen, sha = listed.get(resolved, (None, None))
        items.append(FileToImport(file_path, file_path.name, str(resolved), seen or now, sha))
    yield from sorted(items, key=lambda i: (i.seen_at, str(i.path)))
