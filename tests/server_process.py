"""Runs the real `umami-server serve` in a subprocess on a free loopback port, for tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import httpx

TEST_SECRET = "test-secret"
CHROME_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerProcess:
    def __init__(self, data_dir: Path, env: dict[str, str] | None = None):
        self.data_dir = data_dir
        self.port = free_port()
        self.env = {
            **os.environ,
            "APP_SECRET": TEST_SECRET,
            "UMAMI_ADMIN_PASSWORD": "admin-password-for-tests",
            "UMAMI_COPY_INTERVAL_MS": "100",
            "DUCKDB_THREADS": "1",
            "DUCKDB_MEMORY_LIMIT": "256MB",
            **(env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.output_path = data_dir.parent / f"server-{self.port}.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> ServerProcess:
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)  # the server makes data_dir
        output = self.output_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "umami_server.cli", "serve", "--port", str(self.port),
             "--data-dir", str(self.data_dir), "--log-level", "warning"],
            env=self.env, stdout=output, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.output()}")
            try:
                heartbeat = f"{self.base_url}{self.env.get('BASE_PATH', '')}/api/heartbeat"
                if httpx.get(heartbeat, timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError(f"server did not come up:\n{self.output()}")

    def output(self) -> str:
        return self.output_path.read_text(errors="replace") if self.output_path.exists() else ""

    def stop(self, timeout: float = 30.0) -> int:
        """Graceful stop (SIGTERM), as an operator or a service manager would do it.

        uvicorn re-raises the signal after its orderly shutdown, so the code is -15 then.
        """
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout)
        self.process = None
        return code

    def kill(self) -> None:
        """kill -9: no chance to flush anything."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(10)
        self.process = None

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=10, **kwargs)

    def rows(self, sql: str, parameters: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Query the DuckDB file directly; the server must be stopped (one process per file)."""
        assert self.process is None, "stop the server before reading its files"
        with duckdb.connect(str(self.data_dir / "analytics.duckdb"), read_only=True) as db:
            return db.execute(sql, parameters or []).fetchall()

    def stored(self, sql: str, parameters: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Stop the server, read what it stored, and start it again on the same directory."""
        self.stop()
        try:
            return self.rows(sql, parameters)
        finally:
            self.start()


@contextmanager
def running_server(data_dir: Path, env: dict[str, str] | None = None) -> Iterator[ServerProcess]:
    server = ServerProcess(data_dir, env).start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.stop()
