"""Opening the archive the settings name: a local folder, or a bucket of object storage."""

from __future__ import annotations

from g287.config import Settings
from g287.store.archive import Archive, RawArchive
from g287.store.archive_s3 import S3Archive


def open_archive(settings: Settings) -> Archive:
    """The archive the settings name: object storage when ``G287_ARCHIVE_URL`` is set,
    else the local folder ``G287_ARCHIVE_DIR``."""
    if settings.archive_url:
        return S3Archive(
            settings.archive_url, local=settings.archive_dir, endpoint_url=settings.s3_endpoint_url
        )
    return RawArchive(settings.archive_dir)
