"""`g287 demo --serve --port N` (what `make demo PORT=N` runs) serves on that port."""

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_serves_on_the_port_asked_for(tmp_path):
    port = free_port()
    env = {**os.environ, "G287_DATA_DIR": str(tmp_path / "data")}
    env.pop("G287_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "g287", "demo", "--serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/status", timeout=2)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "the demo never served"
                time.sleep(0.5)
        assert r.status_code == 200 and r.json()["latest_publication"]["label"] == (
            "part 07072025pm"
        )
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        if proc.stderr is not None:
            proc.stderr.close()
