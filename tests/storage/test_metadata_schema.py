"""The metadata schema is Umami 3.1's, and ours sits beside it under a prefix of its own.

UMAMI_TABLES is Umami 3.1's final PostgreSQL schema (after migration 19_add_session_replay) as
the protocol notes record it (data-model.md §2): every table with its columns, which of them are
NOT NULL, and the exact index and unique-constraint names. Umami must still run on a database we
have written to, so these must match; anything of ours carries OWN_TABLE_PREFIX.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Index, UniqueConstraint, inspect

from tests.server_process import ServerProcess
from umami_server.storage.embedded.store import METADATA_FILE
from umami_server.storage.metadata_schema import (
    CONFIGURATION_TABLES,
    OWN_TABLE_PREFIX,
    metadata,
)
from umami_server.storage.metadata_store import DuplicateName, MetadataStore

_TIMES = ("created_at", "updated_at", "deleted_at")
_SESSION_ATTRIBUTES = ("browser", "os", "device", "screen", "language", "country", "region", "city")
_EVENT_INDEXED = (
    "url_path", "url_query", "referrer_domain", "page_title", "event_name", "tag", "hostname"
)

# table -> (columns, NOT NULL columns, index and unique-constraint names besides the primary key)
UMAMI_TABLES: dict[str, tuple[tuple[str, ...], set[str], set[str]]] = {
    "user": (
        ("user_id", "username", "password", "role", *_TIMES, "display_name", "logo_url"),
        {"user_id", "username", "password", "role"},
        {"user_username_key"},
    ),
    "team": (
        ("team_id", "name", "access_code", *_TIMES, "logo_url"),
        {"team_id", "name"},
        {"team_access_code_key", "team_access_code_idx"},
    ),
    "team_user": (
        ("team_user_id", "team_id", "user_id", "role", "created_at", "updated_at"),
        {"team_user_id", "team_id", "user_id", "role"},
        {"team_user_team_id_idx", "team_user_user_id_idx"},
    ),
    "website": (
        ("website_id", "name", "domain", "reset_at", "user_id", "team_id", "created_by", *_TIMES,
         "replay_enabled", "replay_config"),
        {"website_id", "name", "replay_enabled"},
        {"website_user_id_idx", "website_team_id_idx", "website_created_by_idx",
         "website_created_at_idx"},
    ),
    "session": (
        ("session_id", "website_id", *_SESSION_ATTRIBUTES, "created_at", "distinct_id"),
        {"session_id", "website_id"},
        {"session_created_at_idx", "session_website_id_idx", "session_website_id_created_at_idx",
         *(f"session_website_id_created_at_{name}_idx" for name in _SESSION_ATTRIBUTES)},
    ),
    "website_event": (
        ("event_id", "website_id", "session_id", "visit_id", "created_at", "url_path",
         "url_query", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term",
         "referrer_path", "referrer_query", "referrer_domain", "page_title", "gclid", "fbclid",
         "msclkid", "ttclid", "li_fat_id", "twclid", "event_type", "event_name", "tag",
         "hostname", "lcp", "inp", "cls", "fcp", "ttfb"),
        {"event_id", "website_id", "session_id", "visit_id", "url_path", "event_type"},
        {"website_event_created_at_idx", "website_event_session_id_idx",
         "website_event_visit_id_idx", "website_event_website_id_idx",
         "website_event_website_id_created_at_idx",
         *(f"website_event_website_id_created_at_{name}_idx" for name in _EVENT_INDEXED),
         "website_event_website_id_session_id_created_at_idx",
         "website_event_website_id_visit_id_created_at_idx"},
    ),
    "event_data": (
        ("event_data_id", "website_id", "website_event_id", "data_key", "string_value",
         "number_value", "date_value", "data_type", "created_at"),
        {"event_data_id", "website_id", "website_event_id", "data_key", "data_type"},
        {"event_data_created_at_idx", "event_data_website_id_idx",
         "event_data_website_event_id_idx", "event_data_website_id_created_at_idx",
         "event_data_website_id_created_at_data_key_idx"},
    ),
    "session_data": (
        ("session_data_id", "website_id", "session_id", "data_key", "string_value",
         "number_value", "date_value", "data_type", "created_at", "distinct_id"),
        {"session_data_id", "website_id", "session_id", "data_key", "data_type"},
        {"session_data_created_at_idx", "session_data_website_id_idx",
         "session_data_session_id_idx", "session_data_session_id_created_at_idx",
         "session_data_website_id_created_at_data_key_idx"},
    ),
    "revenue": (
        ("revenue_id", "website_id", "session_id", "event_id", "event_name", "currency",
         "revenue", "created_at"),
        {"revenue_id", "website_id", "session_id", "event_id", "event_name", "currency"},
        {"revenue_website_id_idx", "revenue_session_id_idx", "revenue_website_id_created_at_idx",
         "revenue_website_id_session_id_created_at_idx"},
    ),
    "report": (
        ("report_id", "user_id", "website_id", "type", "name", "description", "parameters",
         "created_at", "updated_at"),
        {"report_id", "user_id", "website_id", "type", "name", "description", "parameters"},
        {"report_user_id_idx", "report_website_id_idx", "report_type_idx", "report_name_idx"},
    ),
    "segment": (
        ("segment_id", "website_id", "type", "name", "parameters", "created_at", "updated_at"),
        {"segment_id", "website_id", "type", "name", "parameters"},
        {"segment_website_id_idx"},
    ),
    "link": (
        ("link_id", "name", "url", "slug", "user_id", "team_id", *_TIMES),
        {"link_id", "name", "url", "slug"},
        {"link_slug_key", "link_slug_idx", "link_user_id_idx", "link_team_id_idx",
         "link_created_at_idx"},
    ),
    "pixel": (
        ("pixel_id", "name", "slug", "user_id", "team_id", *_TIMES),
        {"pixel_id", "name", "slug"},
        {"pixel_slug_key", "pixel_slug_idx", "pixel_user_id_idx", "pixel_team_id_idx",
         "pixel_created_at_idx"},
    ),
    "board": (
        ("board_id", "type", "name", "description", "parameters", "user_id", "team_id",
         "created_at", "updated_at"),
        {"board_id", "type", "name", "description", "parameters"},
        {"board_user_id_idx", "board_team_id_idx", "board_created_at_idx"},
    ),
    "share": (
        ("share_id", "entity_id", "name", "share_type", "slug", "parameters", "created_at",
         "updated_at"),
        {"share_id", "entity_id", "name", "share_type", "slug", "parameters"},
        {"share_slug_key", "share_entity_id_idx"},
    ),
    "session_replay": (
        ("replay_id", "website_id", "session_id", "visit_id", "chunk_index", "events",
         "event_count", "started_at", "ended_at", "created_at"),
        {"replay_id", "website_id", "session_id", "visit_id", "chunk_index", "events",
         "event_count", "started_at", "ended_at"},
        {"session_replay_website_id_idx", "session_replay_session_id_idx",
         "session_replay_website_id_session_id_idx", "session_replay_website_id_visit_id_idx",
         "session_replay_website_id_created_at_idx", "session_replay_session_id_chunk_index_idx"},
    ),
    "session_replay_saved": (
        ("saved_replay_id", "name", "website_id", "visit_id", "created_at", "updated_at"),
        {"saved_replay_id", "name", "website_id", "visit_id"},
        {"session_replay_saved_website_id_visit_id_key", "session_replay_saved_website_id_idx",
         "session_replay_saved_visit_id_idx", "session_replay_saved_website_id_created_at_idx"},
    ),
}


def test_the_unprefixed_tables_are_umami_31s_with_their_columns_and_index_names():
    ours = {name for name in metadata.tables if name.startswith(OWN_TABLE_PREFIX)}
    assert set(metadata.tables) - ours == set(UMAMI_TABLES)
    for name, (columns, not_null, index_names) in UMAMI_TABLES.items():
        table = metadata.tables[name]
        assert tuple(table.columns.keys()) == columns, name
        assert {column.name for column in table.columns if not column.nullable} == not_null, name
        assert [column.name for column in table.primary_key.columns] == [columns[0]], name
        named = {
            constraint.name for constraint in (*table.indexes, *table.constraints)
            if isinstance(constraint, Index | UniqueConstraint)
        }
        assert named == index_names, name
        # Unique keys are unique indexes, as Prisma makes them, not constraints.
        unique = {index.name for index in table.indexes if index.unique}
        assert unique == {n for n in index_names if n.endswith("_key")}, name


def test_our_own_tables_and_indexes_all_carry_the_prefix():
    for name, table in metadata.tables.items():
        if name in UMAMI_TABLES:
            continue
        assert name.startswith(OWN_TABLE_PREFIX)
        for index in table.indexes:
            assert str(index.name).startswith(OWN_TABLE_PREFIX)


def _schema_of(path: Path) -> dict[str, tuple[tuple[str, ...], dict[str, bool]]]:
    """table -> (columns, {index name: unique}) as the SQLite file holds them."""
    inspector = inspect(MetadataStore.open_sqlite(path).engine)
    return {
        name: (
            tuple(column["name"] for column in inspector.get_columns(name)),
            {str(index["name"]): bool(index["unique"]) for index in inspector.get_indexes(name)},
        )
        for name in inspector.get_table_names()
    }


def test_the_embedded_file_holds_umamis_configuration_tables_and_prefixed_ones(tmp_path):
    schema = _schema_of(tmp_path / METADATA_FILE)
    umami_names = {name for name in schema if not name.startswith(OWN_TABLE_PREFIX)}
    assert umami_names == {
        table.name for table in CONFIGURATION_TABLES if table.name in UMAMI_TABLES
    }
    for name in umami_names:
        columns, _not_null, index_names = UMAMI_TABLES[name]
        assert schema[name][0] == columns, name
        # Unique keys are unique indexes under Umami's names, as on PostgreSQL.
        assert schema[name][1] == {n: n.endswith("_key") for n in index_names}, name


def _old_data_directory(data_dir: Path) -> Path:
    """A data directory as the server left it before the prefix: one user with a login token,
    dropped-hit counts."""
    data_dir.mkdir()
    database = data_dir / METADATA_FILE
    connection = sqlite3.connect(database)
    connection.executescript((Path(__file__).parent / "metadata_before_prefix.sql").read_text())
    connection.executemany(
        "INSERT INTO metadata_migrations (version, applied_at) VALUES (?, '2026-01-01 00:00:00')",
        [(1,), (2,)],
    )
    connection.execute(
        "INSERT INTO user (user_id, username, password, role, created_at, updated_at) VALUES "
        "('6a1b0e5b5a8c4d1e9f0a1b2c3d4e5f60', 'keeper', 'x', 'admin', "
        "'2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000')"
    )
    connection.execute(
        "INSERT INTO auth_token (token_hash, user_id, created_at, expires_at) VALUES "
        "(?, '6a1b0e5b5a8c4d1e9f0a1b2c3d4e5f60', '2026-01-01 00:00:00.000000', NULL)",
        (hashlib.sha256(b"token-from-before").hexdigest(),),
    )
    connection.executemany(
        "INSERT INTO dropped_hit (website_id, reason, day, hits) VALUES (?, ?, ?, ?)",
        [("9d3c3c0e-0f7e-4b8e-9a1d-2c5e4f6a7b8c", "bot", "2026-01-02", 7),
         ("9d3c3c0e-0f7e-4b8e-9a1d-2c5e4f6a7b8c", "ignored-ip", "2026-01-03", 2)],
    )
    connection.commit()
    connection.close()
    return database


def test_an_old_data_directory_keeps_its_login_tokens_and_dropped_hit_counts(tmp_path):
    data_dir = tmp_path / "data"
    database = _old_data_directory(data_dir)

    server = ServerProcess(data_dir).start()
    try:
        verified = httpx.post(
            f"{server.base_url}/api/auth/verify",
            headers={"Authorization": "Bearer token-from-before"}, timeout=10,
        )
        assert verified.status_code == 200, verified.text
        assert verified.json()["username"] == "keeper"
    finally:
        server.stop()

    report = subprocess.run(
        [sys.executable, "-m", "umami_server.cli", "dropped-hits", "--data-dir", str(data_dir)],
        capture_output=True, text=True, timeout=60,
    )
    assert "9d3c3c0e-0f7e-4b8e-9a1d-2c5e4f6a7b8c  bot         7" in report.stdout, report.stdout
    assert "ignored-ip  2" in report.stdout, report.stdout

    connection = sqlite3.connect(database)
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    connection.close()
    assert not tables & {"auth_token", "dropped_hit", "metadata_migrations"}
    assert {"umami_server_auth_token", "umami_server_dropped_hit"} <= tables
    assert "ix_website_user_id" not in tables and "website_user_id_idx" in tables


def _file_with_unique_constraints(data_dir: Path) -> Path:
    """A metadata file as the server made it while Umami's unique keys were UNIQUE constraints
    (metadata migrations 1 to 3 applied), before they became unique indexes."""
    data_dir.mkdir()
    database = data_dir / METADATA_FILE
    connection = sqlite3.connect(database)
    connection.executescript(
        (Path(__file__).parent / "metadata_unique_constraints.sql").read_text()
    )
    connection.executemany(
        "INSERT INTO umami_server_migration (version, applied_at) "
        "VALUES (?, '2026-01-01 00:00:00')",
        [(1,), (2,), (3,)],
    )
    connection.commit()
    connection.close()
    return database


def _sqlite_objects(database: Path) -> list[tuple[str, str, str | None]]:
    connection = sqlite3.connect(database)
    rows = connection.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    connection.close()
    return rows


@pytest.mark.parametrize("made", ["unique indexes", "unique constraints"])
def test_unique_keys_refuse_duplicates_whether_indexes_or_constraints(tmp_path, made):
    if made == "unique indexes":
        database = tmp_path / METADATA_FILE
        before = None
    else:
        database = _file_with_unique_constraints(tmp_path / "data")
        before = _sqlite_objects(database)
    store = MetadataStore.open_sqlite(database)
    try:
        owner = store.create_user("taken", "x", "admin")
        other = store.create_user("other", "x", "user")
        with pytest.raises(DuplicateName):
            store.create_user("taken", "y", "user")
        with pytest.raises(DuplicateName):
            store.update_user(other["user_id"], {"username": "taken"})
        store.create_pixel("First", "pixel-slug")
        with pytest.raises(DuplicateName):
            store.create_pixel("Second", "pixel-slug")
        store.create_link("First", "https://example.test/", "link-slug")
        with pytest.raises(DuplicateName):
            store.create_link("Second", "https://example.test/", "link-slug")
        store.create_share(owner["user_id"], 1, "First", "share-slug", {})
        with pytest.raises(DuplicateName):
            store.create_share(owner["user_id"], 1, "Second", "share-slug", {})
        store.create_team("First", owner["user_id"], "code-1")
        second, _member = store.create_team("Second", owner["user_id"], "code-2")
        with pytest.raises(DuplicateName):
            store.update_team(second["team_id"], {"access_code": "code-1"})
        # The refused rename left the user as it was.
        kept = store.get_user(other["user_id"])
        assert kept is not None and kept["username"] == "other"
    finally:
        store.close()
    if before is not None:
        # Opening an existing file changes nothing of its schema: its constraints stay.
        assert _sqlite_objects(database) == before
