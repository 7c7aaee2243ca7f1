"""A real PostgreSQL server for the tests, started from the machine's own binaries.

`PostgresServer` runs initdb into a fresh temporary directory, starts `postgres` on a free loopback
port (and a unix socket in that directory) with trust authentication, and removes everything on
stop. As root it runs the server as the `postgres` user, because initdb and postgres refuse root.
The pytest fixtures at the bottom are registered from tests/conftest.py: tests that need the
server skip when no binaries exist, except in CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

# Binaries every start needs; a directory lacking one of them is not a PostgreSQL bin directory.
REQUIRED_BINARIES = ("initdb", "pg_ctl", "postgres")
SERVICE_USER = "postgres"
SUPERUSER = "postgres"
START_TIMEOUT_SECONDS = 60


def _is_bindir(candidate: str | Path | None) -> bool:
    if not candidate:
        return False
    return all(os.access(Path(candidate) / name, os.X_OK) for name in REQUIRED_BINARIES)


def _version_key(bindir: str) -> tuple[int, ...]:
    # /usr/lib/postgresql/<major>/bin: prefer the newest major version installed.
    major = Path(bindir).parent.name
    return tuple(int(part) for part in major.split(".") if part.isdigit()) or (0,)


def find_bindir() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres, or None when none is installed.

    Order: $UMAMI_TEST_PG_BINDIR, `pg_config --bindir`, Debian's /usr/lib/postgresql/*/bin
    (newest first), then the directory of an `initdb` on PATH.
    """
    explicit = os.environ.get("UMAMI_TEST_PG_BINDIR")
    if explicit:
        return Path(explicit) if _is_bindir(explicit) else None
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            reported = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            reported = ""
        if _is_bindir(reported):
            return Path(reported)
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True):
        if _is_bindir(candidate):
            return Path(candidate)
    on_path = shutil.which("initdb")
    if on_path and _is_bindir(Path(on_path).resolve().parent):
        return Path(on_path).resolve().parent
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One throwaway PostgreSQL cluster; `url(database)` gives a libpq URL for a database in it."""

    def __init__(self, bindir: Path, *, durable: bool = False) -> None:
        self.bindir = bindir
        # Tests do not need crash safety; turning fsync off keeps the noisy machine's disk out of
        # test times. Benchmarks pass durable=True to measure what a real server pays.
        self.durable = durable
        self.root: Path | None = None
        self.port = 0
        self._run_as: list[str] = []
        self._database_numbers = itertools.count(1)

    @property
    def data_dir(self) -> Path:
        assert self.root is not None, "server not started"
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        assert self.root is not None, "server not started"
        return self.root / "socket"

    def _command(self, *arguments: str | Path) -> list[str]:
        return [*self._run_as, *(str(argument) for argument in arguments)]

    def _prepare_user(self) -> None:
        if os.geteuid() != 0:
            return
        try:
            account = pwd.getpwnam(SERVICE_USER)
        except KeyError as missing:
            raise RuntimeError(
                f"running as root, and there is no '{SERVICE_USER}' user to run PostgreSQL as "
                "(Debian's postgresql package creates it)"
            ) from missing
        runuser = shutil.which("runuser")
        if runuser is None:
            raise RuntimeError("running as root needs `runuser` to start PostgreSQL unprivileged")
        self._run_as = [runuser, "-u", SERVICE_USER, "--"]
        assert self.root is not None
        for path in (self.root, self.root / "socket"):
            os.chown(path, account.pw_uid, account.pw_gid)

    def start(self) -> PostgresServer:
        # mkdtemp, not pytest's tmp_path: the postgres user must be able to reach the directory,
        # and pytest's base directory is private to the user running the tests.
        self.root = Path(tempfile.mkdtemp(prefix="umami-pg-"))
        self.root.chmod(0o755)
        (self.root / "socket").mkdir()
        self._prepare_user()
        try:
            subprocess.run(
                self._command(
                    self.bindir / "initdb", "--pgdata", self.data_dir, "--username", SUPERUSER,
                    "--auth", "trust", "--encoding", "UTF8", "--no-locale", "--no-sync",
                ),
                check=True, capture_output=True, text=True, timeout=120, cwd=self.root,
            )
            self._start_server()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_server(self) -> None:
        # A port picked free can be taken by another worker before postgres binds it: retry.
        last_error = ""
        for _attempt in range(5):
            self.port = _free_port()
            started = self._pg_ctl_start()
            if started.returncode == 0:
                return
            last_error = started.stderr + self.log_tail()
        raise RuntimeError(f"PostgreSQL did not start: {last_error}")

    def _pg_ctl_start(self) -> subprocess.CompletedProcess[str]:
        assert self.root is not None, "server not started"
        options = [
            f"-p {self.port}",
            "-c listen_addresses=127.0.0.1",
            f"-c unix_socket_directories={self.socket_dir}",
            "-c max_connections=60",
        ]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        return subprocess.run(
            self._command(
                self.bindir / "pg_ctl", "--pgdata", self.data_dir, "--wait",
                "--timeout", str(START_TIMEOUT_SECONDS), "--log", self.root / "server.log",
                "--options", " ".join(options), "start",
            ),
            capture_output=True, text=True, cwd=self.root,
        )

    def go_down(self) -> None:
        """Stop serving (fast shutdown: clients are disconnected) but keep the cluster, as an
        outage would; `come_back` starts it again on the same port."""
        subprocess.run(
            self._command(self.bindir / "pg_ctl", "--pgdata", self.data_dir, "--mode", "fast",
                          "--wait", "stop"),
            check=True, capture_output=True, cwd=self.root, timeout=60,
        )

    def come_back(self) -> None:
        started = self._pg_ctl_start()
        if started.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start again: {started.stderr}"
                               f"{self.log_tail()}")

    def log_tail(self, characters: int = 2000) -> str:
        log = self.root / "server.log" if self.root else None
        if log is None or not log.exists():
            return ""
        return log.read_text(errors="replace")[-characters:]

    def stop(self) -> None:
        if self.root is None:
            return
        if (self.data_dir / "postmaster.pid").exists():
            subprocess.run(
                self._command(
                    self.bindir / "pg_ctl", "--pgdata", self.data_dir, "--mode", "immediate",
                    "--wait", "stop",
                ),
                capture_output=True, cwd=self.root, timeout=60,
            )
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "test") -> str:
        """A new empty database; returns its URL."""
        name = f"{prefix}_{next(self._database_numbers)}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def unavailable_reason() -> str:
    return (
        "no PostgreSQL server binaries (initdb, pg_ctl, postgres) found via pg_config, "
        "/usr/lib/postgresql/*/bin or PATH; install Debian's `postgresql` package "
        "(scripts/test does so when run as root)"
    )


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the PostgreSQL tests: {unavailable_reason()}")
        pytest.skip(unavailable_reason())
    server = PostgresServer(bindir).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty database on the session's server, dropped after the test."""
    url = postgres_server.create_database()
    try:
        yield url
    finally:
        postgres_server.drop_database(url)
