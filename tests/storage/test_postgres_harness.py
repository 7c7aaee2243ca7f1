"""The test PostgreSQL server itself: where it runs, that it goes away, and when it may skip."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg

from tests.postgres import PostgresServer, find_bindir

REPO = Path(__file__).resolve().parents[2]
NEEDS_POSTGRES = "tests/storage/test_postgres_schema.py::test_an_empty_database_is_reported_empty"


def test_server_answers_and_leaves_nothing_behind(postgres_server: PostgresServer) -> None:
    bindir = find_bindir()
    assert bindir is not None
    server = PostgresServer(bindir).start()
    root = server.root
    assert root is not None
    try:
        with psycopg.connect(server.url()) as connection:
            user, address = connection.execute(
                "SELECT current_user, inet_server_addr()::text"
            ).fetchone()
        assert user == "postgres" and address.startswith("127.0.0.1")
        if os.geteuid() == 0:
            # initdb and postgres refuse root: the cluster belongs to the postgres user.
            assert (root / "data").stat().st_uid != 0
    finally:
        server.stop()
    assert not root.exists()


def _run_without_binaries(ci: str | None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "UMAMI_TEST_PG_BINDIR": str(REPO / "no-such-bindir")}
    environment.pop("CI", None)
    if ci is not None:
        environment["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rsf", NEEDS_POSTGRES],
        cwd=REPO, env=environment, capture_output=True, text=True, timeout=300,
    )


def test_without_binaries_tests_skip_with_the_reason() -> None:
    result = _run_without_binaries(ci=None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert "no PostgreSQL server binaries" in result.stdout


def test_without_binaries_ci_fails_loudly() -> None:
    result = _run_without_binaries(ci="true")
    assert result.returncode != 0, result.stdout
    assert "CI must run the PostgreSQL tests" in result.stdout
