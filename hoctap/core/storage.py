"""Where files live: the server's disk (embedded default) or an S3-compatible bucket.

Every file the app keeps goes through Django's default storage: evidence (by SHA-256), thumbnails,
decision and certificate PDFs (by the SHA-256 of what was rendered, hoctap.core.documents), import
uploads and export results. On one machine that is MEDIA_ROOT. With S3_BUCKET set it is a bucket
(django-storages' S3 backend), so any number of app servers and workers share the same files and
none of them keeps anything another one needs (docs/deployment.md).

Files are never handed out by the bucket: a view checks the reader's scope, then streams the bytes
from storage (no signed URLs: see `s3_storage` for why). This module is read by settings.py, so it
imports nothing of Django's app registry.
"""

from __future__ import annotations

import os

S3_BACKEND = "storages.backends.s3.S3Storage"


def s3_storage(
    bucket: str,
    *,
    endpoint_url: str = "",
    access_key: str = "",
    secret_key: str = "",
    region: str = "",
    prefix: str = "",
    memory_bytes: int = 2 * 1024 * 1024,
) -> dict:
    """The STORAGES entry of a private bucket.

    Why the app streams files instead of redirecting to a short-lived signed URL: the scope check
    then runs on every read (a signed URL works for whoever holds it until it expires, and ends up
    in browser history, shared chats and proxy logs), the bucket can stay on the private network
    with no public endpoint, the content-security policy keeps allowing images from our own origin
    only, and the private caching headers of the evidence views keep working. What it costs: the
    app worker carries the bytes, about 400 KB for a phone photo and 20 KB for a thumbnail, a few
    milliseconds on the same network (docs/deployment.md has the numbers)."""
    options = {
        "bucket_name": bucket,
        "location": prefix.strip("/"),
        # Path-style addressing works with every S3-compatible server (SeaweedFS, MinIO, Ceph);
        # virtual-host style needs a wildcard DNS name per bucket.
        "addressing_style": "path",
        "signature_version": "s3v4",
        "region_name": region or "us-east-1",
        "default_acl": None,  # the bucket's own policy: private
        "querystring_auth": True,  # storage.url() is never used to serve, but must not be public
        "querystring_expire": 60,
        # Names are content hashes or random: writing a name again writes the same bytes, so the
        # existence check a non-overwriting storage makes before each write is a wasted round trip.
        "file_overwrite": True,
        # A large export read for download spills to a temporary file of the request instead of
        # memory; evidence photos (≈ 400 KB) stay in memory.
        "max_memory_size": memory_bytes,
    }
    # One object per request is small: no transfer thread pool per download in a web worker.
    # (Imported here: boto3 is loaded only by a deployment that uses a bucket.)
    from boto3.s3.transfer import TransferConfig

    options["transfer_config"] = TransferConfig(use_threads=False)
    if endpoint_url:
        options["endpoint_url"] = endpoint_url
        options["use_ssl"] = endpoint_url.startswith("https:")
    if access_key:
        options["access_key"] = access_key
        options["secret_key"] = secret_key
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}


def default_storage_from_environment(memory_bytes: int) -> dict:
    """S3_BUCKET (with S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION, S3_PREFIX)
    selects the bucket; without it, files go to MEDIA_ROOT. Credentials may also come from the usual
    AWS variables or an instance role, which boto3 reads itself when S3_ACCESS_KEY_ID is empty."""
    bucket = os.environ.get("S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return s3_storage(
        bucket,
        endpoint_url=os.environ.get("S3_ENDPOINT_URL", "").strip(),
        access_key=os.environ.get("S3_ACCESS_KEY_ID", "").strip(),
        secret_key=os.environ.get("S3_SECRET_ACCESS_KEY", "").strip(),
        region=os.environ.get("S3_REGION", "").strip(),
        prefix=os.environ.get("S3_PREFIX", "").strip(),
        memory_bytes=memory_bytes,
    )


def uses_bucket(storage) -> bool:
    """Whether this storage object is a bucket (for the few places that say where files are)."""
    from storages.backends.s3 import S3Storage

    return isinstance(storage, S3Storage)  # a LazyObject (default_storage) passes isinstance through


def read_file(name: str) -> bytes:
    """The bytes of a file of default storage; FileNotFoundError if there is none.

    On a bucket this is one GET. Opening the file through django-storages instead makes three or
    four requests (a HEAD when opening, then the transfer manager's HEAD and GET): 40 ms instead of
    10 ms for a 20 KB thumbnail on loopback (bench/results/storage.json), on the page every reviewer
    opens. Files served to a browser (a photo, a thumbnail, a PDF) are small and read whole."""
    from django.core.files.storage import default_storage

    if not uses_bucket(default_storage):
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    from botocore.exceptions import ClientError
    from storages.utils import clean_name

    # _normalize_name adds the storage's prefix (S3_PREFIX) as every other call of the backend does.
    key = default_storage._normalize_name(clean_name(name))
    try:
        return default_storage.bucket.Object(key).get()["Body"].read()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            raise FileNotFoundError(name) from None
        raise


def delete_strays(folder: str, known: set[str], cutoff) -> None:
    """Delete the files of a folder of default storage that no record refers to (`known` names) and
    that are older than `cutoff`: a process died between saving such a file and recording it."""
    from django.core.files.storage import default_storage

    try:
        _folders, names = default_storage.listdir(folder)
    except FileNotFoundError:
        names = []
    for name in names:
        path = f"{folder}/{name}"
        if path not in known and default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
