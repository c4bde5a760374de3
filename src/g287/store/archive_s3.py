"""The raw archive in S3-compatible object storage (``G287_ARCHIVE_URL=s3://bucket/prefix``).

Keys under the prefix mirror the local layout, so any host that reads the bucket
can rebuild the database, serve ``/api/publications/{id}/raw`` and export::

    objects/ab/ab12...ef                   the bytes, exactly as received (write once)
    sightings/<sha256 of sha,name,source>/<seen>.json   one object per sighting
    ocr/<sha256>.json                      OCR read from a scanned MOA (a shared cache)
    moa_fetches/<time>-<hash>.json         one object per dead or failed MOA link

Every object is written once: a put first asks whether the key exists and then
writes with ``If-None-Match: *`` (a second host writing the same key at the same
moment loses harmlessly) and the bytes' SHA-256 checksum, which the store verifies;
a read checks the sha256 again. Sightings are one object each, so hosts never
rewrite a shared file; each carries the time it was recorded, which orders them.
Credentials and region come from the standard ``AWS_*`` variables (boto3), the
endpoint from ``G287_S3_ENDPOINT_URL`` or ``AWS_ENDPOINT_URL``.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import os
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from g287.atomic import write_atomically
from g287.errors import ArchiveError, ConfigError, NotFound
from g287.store.archive import (
    Archive,
    Sighting,
    checked_digest,
    sha256_hex,
)

_T = TypeVar("_T")
_ABSENT = {"404", "NoSuchKey", "NotFound"}
_TAKEN = {"412", "PreconditionFailed", "409", "ConditionalRequestConflict"}
FETCH_THREADS = 8
READ_AHEAD = 16  # objects a rebuild fetches ahead of the one it imports


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> (``bucket``, ``some/prefix/``)."""
    if not url.startswith("s3://"):
        raise ConfigError(f"G287_ARCHIVE_URL is not an s3://bucket/prefix URL: {url!r}")
    bucket, _, prefix = url[len("s3://") :].partition("/")
    if not bucket:
        raise ConfigError(f"G287_ARCHIVE_URL names no bucket: {url!r}")
    prefix = prefix.strip("/")
    return bucket, f"{prefix}/" if prefix else ""


def make_client(endpoint_url: str | None = None) -> Any:
    """A boto3 S3 client: the endpoint given (path-style addressing), else boto3's own
    resolution (``AWS_ENDPOINT_URL``, the region's AWS endpoint)."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise ConfigError(
            "G287_ARCHIVE_URL needs the s3 extra (boto3 is missing): pip install 'g287[s3]'"
        ) from None
    custom = (
        endpoint_url or os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    )
    config = Config(
        connect_timeout=5,
        read_timeout=60,
        retries={"max_attempts": 4, "mode": "standard"},
        # MinIO, Ceph, moto ...: bucket in the path, not in a host name
        s3={"addressing_style": "path"} if custom else None,
    )
    return boto3.session.Session().client("s3", endpoint_url=endpoint_url or None, config=config)


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    error = response.get("Error", {})
    return str(error.get("Code") or response.get("ResponseMetadata", {}).get("HTTPStatusCode"))


class S3Archive(Archive):
    """The archive in one bucket under one prefix; ``root`` is this host's working folder."""

    def __init__(
        self,
        url: str,
        *,
        local: Path,
        endpoint_url: str | None = None,
        client: Any = None,
    ) -> None:
        if client is None and importlib.util.find_spec("boto3") is None:
            raise ConfigError(
                "G287_ARCHIVE_URL needs the s3 extra (boto3 is missing): pip install 'g287[s3]'"
            )
        self.url = url
        self.bucket, self.prefix = parse_s3_url(url)
        self.root = Path(local)
        self.endpoint_url = endpoint_url
        self._client = client
        self._sightings: dict[str, tuple[int, Sighting]] = {}  # key -> (recorded, sighting)
        self._pulled: dict[str, str] = {}  # side file -> sha256 of the copy pulled

    @property
    def location(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = make_client(self.endpoint_url)
        return self._client

    # -- plumbing -------------------------------------------------------------

    def _call(self, what: str, call: Callable[[], _T]) -> _T:
        """One request; store errors become :class:`ArchiveError` (one line)."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return call()
        except ClientError as exc:
            code = _code(exc)
            if code == "NoSuchBucket":
                raise ArchiveError(
                    f"the raw archive {self.location}: the bucket {self.bucket!r} does not exist"
                ) from None
            detail = f"{code} {exc}"
        except BotoCoreError as exc:
            detail = str(exc)
        raise ArchiveError(f"the raw archive {self.location} cannot {what}: {detail}") from None

    def _exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        def head() -> bool:
            try:
                self.client.head_object(Bucket=self.bucket, Key=key)
            except ClientError as exc:
                if _code(exc) in _ABSENT:
                    return False
                raise
            return True

        return self._call("find " + key[len(self.prefix) :], head)

    def _get(self, key: str) -> bytes | None:
        """The object's bytes, or None when there is no such key."""
        from botocore.exceptions import ClientError

        def get() -> bytes | None:
            try:
                response = self.client.get_object(Bucket=self.bucket, Key=key)
            except ClientError as exc:
                if _code(exc) in _ABSENT:
                    return None
                raise
            body: bytes = response["Body"].read()
            return body

        return self._call("read " + key[len(self.prefix) :], get)

    def _put_once(self, key: str, data: bytes, digest: str) -> bool:
        """Write ``key`` unless it exists; False when it (now) does. The store checks the
        SHA-256 checksum of what it receives."""
        from botocore.exceptions import ClientError

        def put() -> bool:
            try:
                self.client.put_object(
                    Bucket=self.bucket,
                    Key=key,
                    Body=data,
                    IfNoneMatch="*",
                    ChecksumSHA256=base64.b64encode(bytes.fromhex(digest)).decode("ascii"),
                    Metadata={"sha256": digest},
                )
            except ClientError as exc:
                if _code(exc) in _TAKEN:
                    return False  # another writer stored it first: the same bytes
                raise
            return True

        return self._call("write " + key[len(self.prefix) :], put)

    def _keys(self, under: str) -> Iterator[str]:
        """Every key under ``prefix + under``, in key order."""
        pages = self._call(
            "list " + under,
            lambda: list(
                self.client.get_paginator("list_objects_v2").paginate(
                    Bucket=self.bucket, Prefix=self.prefix + under
                )
            ),
        )
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"]

    def _get_many(self, keys: list[str]) -> list[bytes | None]:
        if len(keys) < 2:
            return [self._get(k) for k in keys]
        with ThreadPoolExecutor(max_workers=FETCH_THREADS) as pool:
            return list(pool.map(self._get, keys))

    def object_key(self, sha256: str) -> str:
        return f"{self.prefix}objects/{sha256[:2]}/{sha256}"

    # -- objects ----------------------------------------------------------------

    def has(self, sha256: str) -> bool:
        return self._exists(self.object_key(sha256))

    def read(self, sha256: str) -> bytes:
        data = self._get(self.object_key(sha256))
        if data is None:
            raise NotFound(f"the raw archive {self.location} holds no file {sha256[:12]}")
        if sha256_hex(data) != sha256:
            raise ArchiveError(
                f"the raw archive {self.location}: object {sha256[:12]} does not match its sha256"
            )
        return data

    def put(self, data: bytes, sha256: str | None = None) -> str:
        digest = checked_digest(data, sha256)
        key = self.object_key(digest)
        if not self._exists(key):
            self._put_once(key, data, digest)
        return digest

    def missing(self, shas: Iterable[str]) -> set[str]:
        held = {key.rsplit("/", 1)[-1] for key in self._keys("objects/")}
        return set(shas) - held

    def read_ahead(self, shas: Sequence[str]) -> Generator[bytes, None, None]:
        todo = iter(shas)
        with ThreadPoolExecutor(max_workers=FETCH_THREADS) as pool:
            window: deque[Future[bytes]] = deque(
                pool.submit(self.read, sha) for sha in islice(todo, READ_AHEAD)
            )
            while window:
                data = window.popleft().result()
                following = next(todo, None)
                if following is not None:
                    window.append(pool.submit(self.read, following))
                yield data

    # -- sightings ----------------------------------------------------------------

    def _sighting_base(self, sighting: Sighting) -> str:
        """``sightings/<sha256 of (sha256, name, source)>/``: the sightings of one file
        under one name from one source, one object per time seen."""
        who = json.dumps([sighting.sha256, sighting.name, sighting.source])
        return f"{self.prefix}sightings/{sha256_hex(who.encode('utf-8'))}/"

    def sightings(self) -> list[Sighting]:
        keys = [k for k in self._keys("sightings/") if k not in self._sightings]
        for key, body in zip(keys, self._get_many(keys), strict=True):
            if body is None:
                continue
            try:
                record = json.loads(body)
                self._sightings[key] = (int(record["recorded_at"]), Sighting(**record["sighting"]))
            except (ValueError, TypeError, KeyError):
                continue  # not a sighting g287 wrote
        ordered = sorted(self._sightings.items(), key=lambda item: (item[1][0], item[0]))
        return [sighting for _key, (_at, sighting) in ordered]

    def record(self, sighting: Sighting) -> bool:
        """Add the sighting unless (sha256, name, source) is recorded already at that time
        or earlier (as the local archive does: an earlier repeat is added, so a replay
        ends at the earliest time each file was seen). The time seen is in the key."""
        base = self._sighting_base(sighting)
        seen = sighting.seen_datetime.strftime("%Y%m%dT%H%M%SZ")
        held = {key for key in self._sightings if key.startswith(base)}
        held.update(self._keys(base[len(self.prefix) :]))
        if any(key[len(base) :].removesuffix(".json") <= seen for key in held):
            return False
        recorded = time.time_ns()
        body = json.dumps(
            {"recorded_at": recorded, "sighting": asdict(sighting)}, sort_keys=True
        ).encode("utf-8")
        key = f"{base}{seen}.json"
        if not self._put_once(key, body, sha256_hex(body)):
            return False
        self._sightings[key] = (recorded, sighting)
        return True

    # -- side files -----------------------------------------------------------------

    def append_log(self, name: str, record: dict[str, Any]) -> None:
        body = json.dumps(record, sort_keys=True).encode("utf-8")
        digest = sha256_hex(body)
        key = f"{self.prefix}{name}/{time.time_ns():020d}-{digest[:16]}.json"
        self._put_once(key, body, digest)

    def read_log(self, name: str) -> list[dict[str, Any]]:
        out = []
        for body in self._get_many(list(self._keys(f"{name}/"))):
            try:
                record = json.loads(body or b"")
            except ValueError:
                continue
            if isinstance(record, dict):
                out.append(record)
        return out

    def pull(self, relative: str) -> None:
        data = self._get(self.prefix + relative)
        if data is None:
            return
        target = self.root / relative
        if target.exists() and target.read_bytes() == data:
            self._pulled[relative] = sha256_hex(data)
            return
        write_atomically(target, data)
        self._pulled[relative] = sha256_hex(data)

    def push(self, relative: str) -> None:
        target = self.root / relative
        if not target.exists():
            return
        data = target.read_bytes()
        if self._pulled.get(relative) == sha256_hex(data):
            return  # unchanged since it was pulled
        self.put_side(relative, data)

    def put_side(self, relative: str, data: bytes) -> None:
        self._call(
            "write " + relative,
            lambda: self.client.put_object(
                Bucket=self.bucket,
                Key=self.prefix + relative,
                Body=data,
                ChecksumSHA256=base64.b64encode(hashlib.sha256(data).digest()).decode("ascii"),
            ),
        )
        self._pulled[relative] = sha256_hex(data)
