"""Settings: one typed object, built when asked for, from the environment.

- ``G287_DATA_DIR``: the raw archive and the default database (default: the user
  data directory, from platformdirs);
- ``G287_DATABASE_URL``: a SQLAlchemy URL (default ``sqlite:///<data dir>/g287.sqlite``;
  ``postgresql://...`` for PostgreSQL);
- ``G287_ARCHIVE_DIR``: content-addressed raw files and their sightings
  (default ``<data dir>/archive``); with ``G287_ARCHIVE_URL`` set, this host's
  working folder beside the object store;
- ``G287_ARCHIVE_URL``: ``s3://bucket/prefix`` keeps the raw archive in S3-compatible
  object storage that every host reads (extra ``s3``); credentials and region come
  from the standard ``AWS_*`` variables, the endpoint from ``G287_S3_ENDPOINT_URL``
  (or ``AWS_ENDPOINT_URL``);
- ``G287_CACHE_DIR``: where the geography and jurisdiction indexes are kept once built
  (default: the user cache directory; ``off`` builds them in every process; see
  :mod:`g287.enrich.indexcache`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from g287.errors import ConfigError

MAX_FILE_BYTES = 200 * 1024 * 1024  # the largest file g287 reads, fetches or imports


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "G287_DATA_DIR", "<user data dir>/g287", "Folder for the raw archive and the SQLite file."
    ),
    Setting(
        "G287_DATABASE_URL",
        "sqlite:///<G287_DATA_DIR>/g287.sqlite",
        "SQLAlchemy database URL (SQLite or PostgreSQL).",
    ),
    Setting("G287_ARCHIVE_DIR", "<G287_DATA_DIR>/archive", "Content-addressed raw-file archive."),
    Setting(
        "G287_ARCHIVE_URL",
        "",
        "s3://bucket/prefix: keep the raw archive in S3-compatible object storage.",
    ),
    Setting(
        "G287_S3_ENDPOINT_URL",
        "",
        "Endpoint of the S3-compatible store (default: AWS, or AWS_ENDPOINT_URL).",
    ),
    Setting(
        "G287_CACHE_DIR",
        "<user cache dir>/g287/indexes",
        "Prebuilt geography and jurisdiction indexes ('off': build them in every process).",
    ),
)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    archive_dir: Path
    archive_url: str | None = None
    s3_endpoint_url: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(
        cls,
        env: dict[str, str] | None = None,
        *,
        data_dir: str | Path | None = None,
        database_url: str | None = None,
    ) -> Settings:
        env = dict(os.environ if env is None else env)
        base = Path(
            data_dir or env.get("G287_DATA_DIR") or platformdirs.user_data_dir("g287")
        ).expanduser()
        url = database_url or env.get("G287_DATABASE_URL") or f"sqlite:///{base / 'g287.sqlite'}"
        archive = Path(env.get("G287_ARCHIVE_DIR") or base / "archive").expanduser()
        if "://" not in url:
            raise ConfigError(f"G287_DATABASE_URL is not a database URL: {url!r}")
        archive_url = env.get("G287_ARCHIVE_URL") or None
        if archive_url is not None and not archive_url.startswith("s3://"):
            raise ConfigError(f"G287_ARCHIVE_URL is not an s3://bucket/prefix URL: {archive_url!r}")
        return cls(
            data_dir=base,
            database_url=normalize_database_url(url),
            archive_dir=archive,
            archive_url=archive_url,
            s3_endpoint_url=env.get("G287_S3_ENDPOINT_URL") or None,
        )


def normalize_database_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs (the only PostgreSQL driver we ship)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
