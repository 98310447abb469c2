"""A real S3 API on loopback for the tests: moto's server mode, a subprocess on a free port.

moto (a test dependency, installed from the lock by scripts/test) speaks S3's HTTP protocol:
multipart uploads, copies, listings and ranged reads go over the wire exactly as to AWS or
MinIO, through the same client (obstore) the app uses.
"""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

# moto accepts any credentials; the client still signs its requests with these.
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "listkeeper-test",
    "AWS_SECRET_ACCESS_KEY": "listkeeper-test-secret",
    "AWS_REGION": "us-east-1",
}


@dataclass(frozen=True)
class S3Server:
    """Where the server listens."""

    endpoint_url: str

    def new_bucket(self) -> str:
        """A new empty bucket; its name."""
        name = "listkeeper-" + secrets.token_hex(4)
        response = httpx.put(f"{self.endpoint_url}/{name}", timeout=30)
        response.raise_for_status()
        return name


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_s3_server() -> Iterator[S3Server]:
    """moto's S3 server for the length of the block."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = S3Server(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(server.endpoint_url, timeout=5)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)
