"""Runs the real `umami-server serve` in a subprocess on a free loopback port, for tests."""

from __future__ import annotations

import os
import re
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
import psycopg
from psycopg.types.numeric import FloatLoader
from psycopg.types.string import TextLoader

from umami_server.storage.postgres.dialect import LOGICAL_SOURCES

TEST_SECRET = "test-secret"
CHROME_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)


# Data directories whose server keeps its store in PostgreSQL instead: data dir -> DATABASE_URL.
_DATABASES: dict[Path, str] = {}


def use_database(data_dir: Path, database_url: str) -> None:
    """Servers and helpers given this data directory use this PostgreSQL database."""
    _DATABASES[data_dir] = database_url


def database_url_of(data_dir: Path) -> str | None:
    return _DATABASES.get(data_dir)


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
        self.database_url = database_url_of(data_dir)
        if self.database_url:
            self.env["DATABASE_URL"] = self.database_url
        else:
            self.env.pop("DATABASE_URL", None)
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
        """Query the DuckDB file directly; the server must be stopped (one process per file).

        On PostgreSQL the same SQL runs on the store's database, where the query layer's
        relations (session attributes on every event, ...) are views over Umami's tables."""
        if self.database_url:
            return postgres_rows(self.database_url, sql, parameters)
        assert self.process is None, "stop the server before reading its files"
        with duckdb.connect(str(self.data_dir / "analytics.duckdb"), read_only=True) as db:
            return db.execute(sql, parameters or []).fetchall()

    def stored(self, sql: str, parameters: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Stop the server, read what it stored, and start it again on the same directory."""
        if self.database_url:
            return self.rows(sql, parameters)
        self.stop()
        try:
            return self.rows(sql, parameters)
        finally:
            self.start()


def postgres_rows(
    database_url: str, sql: str, parameters: list[Any] | None = None
) -> list[tuple[Any, ...]]:
    """Run DuckDB-flavoured test SQL (`?` parameters) on a PostgreSQL store's database, with the
    logical relations as temporary views (they shadow Umami's tables of the same names)."""
    with psycopg.connect(database_url) as db:
        db.adapters.register_loader("uuid", TextLoader)
        db.adapters.register_loader("numeric", FloatLoader)
        for name, source in LOGICAL_SOURCES.items():
            qualified = re.sub(r"\b(FROM|JOIN) (website_event|session|event_data)\b",
                               r"\1 public.\2", source)
            db.execute(f"CREATE TEMPORARY VIEW {name} AS {qualified}")
        return db.execute(sql.replace("%", "%%").replace("?", "%s"), parameters or []).fetchall()


@contextmanager
def running_server(data_dir: Path, env: dict[str, str] | None = None) -> Iterator[ServerProcess]:
    server = ServerProcess(data_dir, env).start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.stop()
