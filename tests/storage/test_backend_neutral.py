"""Only storage/ knows which database answers: the rest of the package hands the store
statements and sees storage-level errors, never a driver's."""

from __future__ import annotations

import ast
import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Integer, cast, func, literal, select, text

import umami_server
from umami_server.queries.dimensions import E
from umami_server.queries.render import fetch
from umami_server.storage.embedded.store import EmbeddedStore
from umami_server.storage.errors import InvalidQuery

PACKAGE = Path(umami_server.__file__).parent
DRIVERS = ("duckdb", "sqlite3", "psycopg", "psycopg2", "asyncpg", "clickhouse",
           "clickhouse_connect", "clickhouse_driver")


def _imported_roots(source: str) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_module_outside_storage_imports_a_database_driver():
    offenders = []
    for module in sorted(PACKAGE.rglob("*.py")):
        relative = module.relative_to(PACKAGE)
        if relative.parts[0] == "storage":
            continue
        drivers = _imported_roots(module.read_text()) & set(DRIVERS)
        offenders.extend(f"{relative}: {name}" for name in sorted(drivers))
    assert offenders == []


def test_only_storage_and_the_settings_name_a_backend_setting():
    """Messages that name a store's own settings (DUCKDB_MEMORY_LIMIT, ...) come from the store,
    so the API and the dashboard stay the same whichever database answers."""
    offenders = [
        str(module.relative_to(PACKAGE)) for module in sorted(PACKAGE.rglob("*.py"))
        if module.relative_to(PACKAGE).parts[0] != "storage"
        and module.name != "config.py" and "DUCKDB_" in module.read_text()
    ]
    assert offenders == []


def test_the_check_sees_imports_inside_functions():
    assert "duckdb" in _imported_roots("def f():\n    import duckdb\n")
    assert "sqlite3" in _imported_roots("from sqlite3 import connect\n")


@pytest.fixture
def store(tmp_path):
    opened = EmbeddedStore.open(tmp_path, threads=1)
    yield opened
    opened.close()


def test_the_store_runs_statements_compiled_with_its_dialect(store):
    website = str(uuid.uuid4())
    asyncio.run(store.events.write([{"event": {
        "event_id": str(uuid.uuid4()), "website_id": website, "session_id": str(uuid.uuid4()),
        "visit_id": str(uuid.uuid4()), "created_at": int(datetime.now(UTC).timestamp() * 1e6),
        "url_path": "/a", "event_type": 1}}]))
    assert store.events.wait_until_visible(10)
    counted = select(func.count().label("pageviews")).where(E.website_id == website)
    assert fetch(store.events, counted) == [{"pageviews": 1}]
    # A regular-expression match compiles to DuckDB's regexp_matches.
    matching = select(func.count()).where(E.website_id == website, E.url_path.regexp_match("^/a"))
    assert store.events.query(matching) == [(1,)]
    assert store.events.query(text("SELECT count(*) FROM website_event")) == [(1,)]


def test_input_the_database_refuses_is_an_invalid_query(store):
    bad_pattern = select(func.count()).where(E.url_path.regexp_match("("))
    with pytest.raises(InvalidQuery):
        store.events.query(bad_pattern)
    with pytest.raises(InvalidQuery):
        store.events.query(select(cast(literal("not a number"), Integer)))
