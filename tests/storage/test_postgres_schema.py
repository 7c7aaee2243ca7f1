"""Umami 3.1's schema on a real PostgreSQL server (tests/postgres.py starts it).

The expected tables below are transcribed from Umami 3.1's data model (column, type in the
model's notation, NN for NOT NULL; index name and columns), not derived from our table
definitions, so a wrong type, name or index in metadata_schema.py fails here.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text

from umami_server.storage.metadata_store import DuplicateName, MetadataStore
from umami_server.storage.postgres.schema import (
    SchemaLevel,
    UmamiSchemaError,
    create_umami_schema,
    inspect_schema,
    postgres_engine,
)

SPEC_COLUMNS = """
user: user_id uuid NN | username varchar(255) NN | password varchar(60) NN | role varchar(50) NN
  | created_at timestamptz | updated_at timestamptz | deleted_at timestamptz
  | display_name varchar(255) | logo_url varchar(2183)
team: team_id uuid NN | name varchar(50) NN | access_code varchar(50) | created_at timestamptz
  | updated_at timestamptz | deleted_at timestamptz | logo_url varchar(2183)
team_user: team_user_id uuid NN | team_id uuid NN | user_id uuid NN | role varchar(50) NN
  | created_at timestamptz | updated_at timestamptz
website: website_id uuid NN | name varchar(100) NN | domain varchar(500) | reset_at timestamptz
  | user_id uuid | team_id uuid | created_by uuid | created_at timestamptz | updated_at timestamptz
  | deleted_at timestamptz | replay_enabled boolean NN | replay_config jsonb
session: session_id uuid NN | website_id uuid NN | browser varchar(20) | os varchar(20)
  | device varchar(20) | screen varchar(11) | language varchar(35) | country char(2)
  | region varchar(20) | city varchar(50) | created_at timestamptz | distinct_id varchar(50)
website_event: event_id uuid NN | website_id uuid NN | session_id uuid NN | visit_id uuid NN
  | created_at timestamptz | url_path varchar(500) NN | url_query varchar(500)
  | utm_source varchar(255) | utm_medium varchar(255) | utm_campaign varchar(255)
  | utm_content varchar(255) | utm_term varchar(255) | referrer_path varchar(500)
  | referrer_query varchar(500) | referrer_domain varchar(500) | page_title varchar(500)
  | gclid varchar(255) | fbclid varchar(255) | msclkid varchar(255) | ttclid varchar(255)
  | twclid varchar(255) | li_fat_id varchar(255) | event_type integer NN
  | event_name varchar(50) | tag varchar(50) | hostname varchar(100) | lcp numeric(10,1)
  | inp numeric(10,1) | fcp numeric(10,1) | ttfb numeric(10,1) | cls numeric(10,4)
event_data: event_data_id uuid NN | website_id uuid NN | website_event_id uuid NN
  | data_key varchar(500) NN | string_value varchar(500) | number_value numeric(19,4)
  | date_value timestamptz | data_type integer NN | created_at timestamptz
session_data: session_data_id uuid NN | website_id uuid NN | session_id uuid NN
  | data_key varchar(500) NN | string_value varchar(500) | number_value numeric(19,4)
  | date_value timestamptz | data_type integer NN | created_at timestamptz
  | distinct_id varchar(50)
revenue: revenue_id uuid NN | website_id uuid NN | session_id uuid NN | event_id uuid NN
  | event_name varchar(50) NN | currency varchar(10) NN | revenue numeric(19,4)
  | created_at timestamptz
report: report_id uuid NN | user_id uuid NN | website_id uuid NN | type varchar(50) NN
  | name varchar(200) NN | description varchar(500) NN | parameters jsonb NN
  | created_at timestamptz | updated_at timestamptz
segment: segment_id uuid NN | website_id uuid NN | type varchar(50) NN | name varchar(200) NN
  | parameters jsonb NN | created_at timestamptz | updated_at timestamptz
link: link_id uuid NN | name varchar(100) NN | url varchar(500) NN | slug varchar(100) NN
  | user_id uuid | team_id uuid | created_at timestamptz | updated_at timestamptz
  | deleted_at timestamptz
pixel: pixel_id uuid NN | name varchar(100) NN | slug varchar(100) NN | user_id uuid
  | team_id uuid | created_at timestamptz | updated_at timestamptz | deleted_at timestamptz
board: board_id uuid NN | type varchar(50) NN | name varchar(200) NN
  | description varchar(500) NN | parameters jsonb NN | user_id uuid | team_id uuid
  | created_at timestamptz | updated_at timestamptz
share: share_id uuid NN | entity_id uuid NN | name varchar(200) NN | share_type integer NN
  | slug varchar(100) NN | parameters jsonb NN | created_at timestamptz | updated_at timestamptz
session_replay: replay_id uuid NN | website_id uuid NN | session_id uuid NN | visit_id uuid NN
  | chunk_index integer NN | events bytea NN | event_count integer NN
  | started_at timestamptz NN | ended_at timestamptz NN | created_at timestamptz
session_replay_saved: saved_replay_id uuid NN | name varchar(100) NN | website_id uuid NN
  | visit_id uuid NN | created_at timestamptz | updated_at timestamptz
"""

# index name (columns); "unique" marks unique indexes. Primary keys are <table>_pkey.
SPEC_INDEXES = """
user: user_username_key(username) unique
team: team_access_code_key(access_code) unique | team_access_code_idx(access_code)
team_user: team_user_team_id_idx(team_id) | team_user_user_id_idx(user_id)
website: website_user_id_idx(user_id) | website_team_id_idx(team_id)
  | website_created_by_idx(created_by) | website_created_at_idx(created_at)
session: session_created_at_idx(created_at) | session_website_id_idx(website_id)
  | session_website_id_created_at_idx(website_id,created_at)
  | session_website_id_created_at_browser_idx(website_id,created_at,browser)
  | session_website_id_created_at_os_idx(website_id,created_at,os)
  | session_website_id_created_at_device_idx(website_id,created_at,device)
  | session_website_id_created_at_screen_idx(website_id,created_at,screen)
  | session_website_id_created_at_language_idx(website_id,created_at,language)
  | session_website_id_created_at_country_idx(website_id,created_at,country)
  | session_website_id_created_at_region_idx(website_id,created_at,region)
  | session_website_id_created_at_city_idx(website_id,created_at,city)
website_event: website_event_created_at_idx(created_at)
  | website_event_session_id_idx(session_id) | website_event_visit_id_idx(visit_id)
  | website_event_website_id_idx(website_id)
  | website_event_website_id_created_at_idx(website_id,created_at)
  | website_event_website_id_created_at_url_path_idx(website_id,created_at,url_path)
  | website_event_website_id_created_at_url_query_idx(website_id,created_at,url_query)
  | website_event_website_id_created_at_referrer_domain_idx(website_id,created_at,referrer_domain)
  | website_event_website_id_created_at_page_title_idx(website_id,created_at,page_title)
  | website_event_website_id_created_at_event_name_idx(website_id,created_at,event_name)
  | website_event_website_id_created_at_tag_idx(website_id,created_at,tag)
  | website_event_website_id_created_at_hostname_idx(website_id,created_at,hostname)
  | website_event_website_id_session_id_created_at_idx(website_id,session_id,created_at)
  | website_event_website_id_visit_id_created_at_idx(website_id,visit_id,created_at)
event_data: event_data_created_at_idx(created_at) | event_data_website_id_idx(website_id)
  | event_data_website_event_id_idx(website_event_id)
  | event_data_website_id_created_at_idx(website_id,created_at)
  | event_data_website_id_created_at_data_key_idx(website_id,created_at,data_key)
session_data: session_data_created_at_idx(created_at) | session_data_website_id_idx(website_id)
  | session_data_session_id_idx(session_id)
  | session_data_session_id_created_at_idx(session_id,created_at)
  | session_data_website_id_created_at_data_key_idx(website_id,created_at,data_key)
revenue: revenue_website_id_idx(website_id) | revenue_session_id_idx(session_id)
  | revenue_website_id_created_at_idx(website_id,created_at)
  | revenue_website_id_session_id_created_at_idx(website_id,session_id,created_at)
report: report_user_id_idx(user_id) | report_website_id_idx(website_id) | report_type_idx(type)
  | report_name_idx(name)
segment: segment_website_id_idx(website_id)
link: link_slug_key(slug) unique | link_slug_idx(slug) | link_user_id_idx(user_id)
  | link_team_id_idx(team_id) | link_created_at_idx(created_at)
pixel: pixel_slug_key(slug) unique | pixel_slug_idx(slug) | pixel_user_id_idx(user_id)
  | pixel_team_id_idx(team_id) | pixel_created_at_idx(created_at)
board: board_user_id_idx(user_id) | board_team_id_idx(team_id)
  | board_created_at_idx(created_at)
share: share_slug_key(slug) unique | share_entity_id_idx(entity_id)
session_replay: session_replay_website_id_idx(website_id)
  | session_replay_session_id_idx(session_id)
  | session_replay_website_id_session_id_idx(website_id,session_id)
  | session_replay_website_id_visit_id_idx(website_id,visit_id)
  | session_replay_website_id_created_at_idx(website_id,created_at)
  | session_replay_session_id_chunk_index_idx(session_id,chunk_index)
session_replay_saved: session_replay_saved_website_id_visit_id_key(website_id,visit_id) unique
  | session_replay_saved_website_id_idx(website_id) | session_replay_saved_visit_id_idx(visit_id)
  | session_replay_saved_website_id_created_at_idx(website_id,created_at)
"""

SPEC_MIGRATIONS = [
    "01_init", "02_report_schema_session_data", "03_metric_performance_index",
    "04_team_redesign", "05_add_visit_id", "06_session_data", "07_add_tag", "08_add_utm_clid",
    "09_update_hostname_region", "10_add_distinct_id", "11_add_segment",
    "12_update_report_parameter", "13_add_revenue", "14_add_link_and_pixel", "15_add_share",
    "16_boards", "17_remove_duplicate_key", "18_add_performance", "19_add_session_replay",
]

# The spec's type notation as PostgreSQL's format_type() spells it.
_TYPE_NAMES = {"timestamptz": "timestamp(6) with time zone"}


def _pg_type(spec_type: str) -> str:
    if spec_type.startswith("varchar("):
        return "character varying" + spec_type[len("varchar"):]
    if spec_type.startswith("char("):
        return "character" + spec_type[len("char"):]
    return _TYPE_NAMES.get(spec_type, spec_type)


def _spec_entries(block: str) -> dict[str, list[str]]:
    """`table: a | b | c` blocks (continued on indented lines) as {table: [a, b, c]}."""
    tables: dict[str, list[str]] = {}
    current = ""
    for line in block.strip().splitlines():
        if not line.startswith(" "):
            current, line = line.split(":", 1)
            tables[current] = []
        tables[current] += [part.strip() for part in line.split("|") if part.strip()]
    return tables


def expected_columns() -> dict[str, dict[str, tuple[str, bool]]]:
    expected: dict[str, dict[str, tuple[str, bool]]] = {}
    for table, entries in _spec_entries(SPEC_COLUMNS).items():
        expected[table] = {}
        for entry in entries:
            name, spec_type, *flags = entry.split()
            expected[table][name] = (_pg_type(spec_type), flags == ["NN"])
    return expected


def expected_indexes() -> dict[str, set[tuple[str, tuple[str, ...], bool]]]:
    expected: dict[str, set[tuple[str, tuple[str, ...], bool]]] = {}
    for table, entries in _spec_entries(SPEC_INDEXES).items():
        primary_key = next(iter(expected_columns()[table]))
        expected[table] = {(f"{table}_pkey", (primary_key,), True)}
        for entry in entries:
            definition, *flags = entry.split()
            name, columns = definition.rstrip(")").split("(")
            expected[table].add((name, tuple(columns.split(",")), flags == ["unique"]))
    return expected


def actual_columns(connection: Connection) -> dict[str, dict[str, tuple[str, bool]]]:
    rows = connection.execute(text("""
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0
          AND NOT a.attisdropped AND c.relname <> '_prisma_migrations'
    """)).all()
    tables: dict[str, dict[str, tuple[str, bool]]] = {}
    for table, column, type_name, not_null in rows:
        tables.setdefault(table, {})[column] = (type_name, not_null)
    return tables


def actual_indexes(connection: Connection) -> dict[str, set[tuple[str, tuple[str, ...], bool]]]:
    rows = connection.execute(text("""
        SELECT t.relname, i.relname, ix.indisunique,
               array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n)
                     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                     ORDER BY k.n)
        FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid
        JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = current_schema() AND t.relname <> '_prisma_migrations'
    """)).all()
    tables: dict[str, set[tuple[str, tuple[str, ...], bool]]] = {}
    for table, index, unique, columns in rows:
        tables.setdefault(table, set()).add((index, tuple(columns), unique))
    return tables


def snapshot(connection: Connection) -> dict[str, Any]:
    """Everything creation could change: shape, defaults, constraints and Prisma's rows."""
    defaults = connection.execute(text("""
        SELECT table_name, column_name, column_default FROM information_schema.columns
        WHERE table_schema = current_schema() ORDER BY 1, 2
    """)).all()
    constraints = connection.execute(text("""
        SELECT conrelid::regclass::text, conname, contype FROM pg_constraint
        WHERE connamespace = current_schema()::regnamespace ORDER BY 1, 2
    """)).all()
    migrations = connection.execute(text(
        "SELECT * FROM _prisma_migrations ORDER BY migration_name"
    )).all()
    return {
        "columns": actual_columns(connection),
        "indexes": actual_indexes(connection),
        "defaults": defaults,
        "constraints": constraints,
        "migrations": migrations,
    }


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    created = postgres_engine(postgres_url)
    yield created
    created.dispose()


def level_of(engine: Engine) -> Any:
    with engine.connect() as connection:
        return inspect_schema(connection)


def run_sql(engine: Engine, *statements: str) -> None:
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def test_an_empty_database_is_reported_empty(engine: Engine) -> None:
    report = level_of(engine)
    assert report.level is SchemaLevel.EMPTY
    assert report.missing_migrations == ()


def test_creation_on_an_empty_database_makes_exactly_the_spec_schema(engine: Engine) -> None:
    report = create_umami_schema(engine)
    assert report.level is SchemaLevel.UMAMI_FINAL
    with engine.connect() as connection:
        assert actual_columns(connection) == expected_columns()
        assert actual_indexes(connection) == expected_indexes()
        # Umami's relations live in the application: the database has no foreign keys.
        foreign_keys = connection.execute(
            text("SELECT count(*) FROM pg_constraint WHERE contype = 'f'")
        ).scalar_one()
        assert foreign_keys == 0
        defaults = dict(
            ((table, column), default)
            for table, column, default in connection.execute(text(
                "SELECT table_name, column_name, column_default FROM information_schema.columns"
                " WHERE table_schema = current_schema()"
            ))
        )
    assert defaults[("website_event", "created_at")] == "CURRENT_TIMESTAMP"
    assert defaults[("user", "created_at")] == "CURRENT_TIMESTAMP"
    assert defaults[("website_event", "event_type")] == "1"
    assert defaults[("website", "replay_enabled")] == "false"
    # updated_at has no database default: Umami sets it itself.
    assert all(default is None for (_t, column), default in defaults.items()
               if column == "updated_at")


def test_creation_records_umamis_migrations_as_prisma_does(engine: Engine) -> None:
    create_umami_schema(engine)
    with engine.connect() as connection:
        columns = connection.execute(text("""
            SELECT column_name, format_type(a.atttypid, a.atttypmod), a.attnotnull
            FROM information_schema.columns c
            JOIN pg_attribute a ON a.attrelid = '_prisma_migrations'::regclass
              AND a.attname = c.column_name
            WHERE c.table_name = '_prisma_migrations' ORDER BY c.ordinal_position
        """)).all()
        rows = connection.execute(text(
            "SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at,"
            " applied_steps_count FROM _prisma_migrations ORDER BY migration_name"
        )).all()
        users = connection.execute(text('SELECT count(*) FROM "user"')).scalar_one()
    assert [tuple(column) for column in columns] == [
        ("id", "character varying(36)", True),
        ("checksum", "character varying(64)", True),
        ("finished_at", "timestamp with time zone", False),
        ("migration_name", "character varying(255)", True),
        ("logs", "text", False),
        ("rolled_back_at", "timestamp with time zone", False),
        ("started_at", "timestamp with time zone", True),
        ("applied_steps_count", "integer", True),
    ]
    assert [row.migration_name for row in rows] == SPEC_MIGRATIONS
    for row in rows:
        assert len(row.id) == 36 and len(row.checksum) == 64
        assert row.finished_at is not None and row.rolled_back_at is None
        assert row.applied_steps_count == 1
    # Umami's first migration seeds admin/umami; a server without a default password must not.
    assert users == 0


def test_creating_again_changes_nothing(engine: Engine) -> None:
    create_umami_schema(engine)
    run_sql(engine, """INSERT INTO website (website_id, name) VALUES
        ('6a4e8b2c-1f0d-4c3e-9a7b-5d2e1f0a3b4c', 'kept')""")
    with engine.connect() as connection:
        before = snapshot(connection)
    report = create_umami_schema(engine)
    assert report.level is SchemaLevel.UMAMI_FINAL
    with engine.connect() as connection:
        assert snapshot(connection) == before
        assert connection.execute(text("SELECT name FROM website")).scalars().all() == ["kept"]


def test_our_metadata_migrations_add_only_our_prefixed_tables(engine: Engine) -> None:
    create_umami_schema(engine)
    with engine.connect() as connection:
        before = snapshot(connection)
    store = MetadataStore(engine)
    store.migrate()
    with engine.connect() as connection:
        after = snapshot(connection)
    ours = {table for table in after["columns"] if table.startswith("umami_server_")}
    assert ours == {"umami_server_migration", "umami_server_auth_token",
                    "umami_server_dropped_hit"}
    assert {table: after["columns"][table] for table in expected_columns()} == before["columns"]
    assert {table: after["indexes"][table] for table in expected_indexes()} == before["indexes"]
    assert after["migrations"] == before["migrations"]
    assert level_of(engine).level is SchemaLevel.UMAMI_FINAL
    # Umami's unique indexes refuse duplicates as the repositories expect.
    store.create_user("taken", "x", "admin")
    with pytest.raises(DuplicateName):
        store.create_user("taken", "y", "user")
    store.create_link("First", "https://example.test/", "link-slug")
    with pytest.raises(DuplicateName):
        store.create_link("Second", "https://example.test/", "link-slug")


def test_two_servers_creating_at_once_create_it_once(engine: Engine) -> None:
    reports: list[Any] = []
    errors: list[BaseException] = []

    def create() -> None:
        try:
            reports.append(create_umami_schema(engine))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert [report.level for report in reports] == [SchemaLevel.UMAMI_FINAL] * 2
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM _prisma_migrations")).scalar_one()
    assert count == len(SPEC_MIGRATIONS)


def test_rows_in_umamis_shapes_fit_the_created_schema(engine: Engine) -> None:
    create_umami_schema(engine)
    run_sql(
        engine,
        """INSERT INTO session (session_id, website_id, browser, country, city)
           VALUES ('0d4a8f86-6c26-5b8a-9f1e-4f3b2a1c0d9e', '6a4e8b2c-1f0d-4c3e-9a7b-5d2e1f0a3b4c',
                   'edge-chromium', 'US', 'San Francisco')""",
        """INSERT INTO website_event (event_id, website_id, session_id, visit_id, url_path, cls)
           VALUES (gen_random_uuid(), '6a4e8b2c-1f0d-4c3e-9a7b-5d2e1f0a3b4c',
                   '0d4a8f86-6c26-5b8a-9f1e-4f3b2a1c0d9e', gen_random_uuid(), '/', 0.0512)""",
    )
    with engine.connect() as connection:
        event_type, created_at, cls = connection.execute(
            text("SELECT event_type, created_at, cls FROM website_event")
        ).one()
    assert event_type == 1 and created_at is not None and str(cls) == "0.0512"


def _applied_only(engine: Engine, names: list[str]) -> None:
    run_sql(engine, "DELETE FROM _prisma_migrations WHERE migration_name <> ALL(:names)"
            .replace(":names", "ARRAY[" + ",".join(f"'{name}'" for name in names) + "]"))


def test_an_older_umami_is_named_with_its_missing_migrations(engine: Engine) -> None:
    create_umami_schema(engine)
    # An Umami 3.0 database: everything up to the performance columns, no session replay.
    _applied_only(engine, SPEC_MIGRATIONS[:17])
    run_sql(engine, "DROP TABLE session_replay", "DROP TABLE session_replay_saved")
    report = level_of(engine)
    assert report.level is SchemaLevel.UMAMI_OLDER
    assert report.missing_migrations == ("18_add_performance", "19_add_session_replay")
    assert "17_remove_duplicate_key" in report.message
    assert "18_add_performance, 19_add_session_replay" in report.message
    with engine.connect() as connection:
        before = snapshot(connection)
    with pytest.raises(UmamiSchemaError) as refused:
        create_umami_schema(engine)
    assert refused.value.report == report
    assert str(refused.value) == report.message
    with engine.connect() as connection:
        assert snapshot(connection) == before


def test_a_failed_migration_is_unknown(engine: Engine) -> None:
    create_umami_schema(engine)
    run_sql(engine, "UPDATE _prisma_migrations SET finished_at = NULL"
                    " WHERE migration_name = '19_add_session_replay'")
    report = level_of(engine)
    assert report.level is SchemaLevel.UNKNOWN
    assert "19_add_session_replay" in report.message and "did not finish" in report.message


def test_a_rolled_back_migration_counts_as_missing(engine: Engine) -> None:
    create_umami_schema(engine)
    run_sql(engine, "UPDATE _prisma_migrations SET finished_at = NULL, rolled_back_at = now()"
                    " WHERE migration_name = '19_add_session_replay'")
    report = level_of(engine)
    assert report.level is SchemaLevel.UMAMI_OLDER
    assert report.missing_migrations == ("19_add_session_replay",)


def test_a_newer_umami_is_unknown(engine: Engine) -> None:
    create_umami_schema(engine)
    run_sql(engine, """INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name,
        applied_steps_count) VALUES ('b3c1', repeat('0', 64), now(), '20_add_something', 1)""")
    report = level_of(engine)
    assert report.level is SchemaLevel.UNKNOWN
    assert "20_add_something" in report.message and "newer" in report.message
    with pytest.raises(UmamiSchemaError, match="20_add_something"):
        create_umami_schema(engine)


def test_a_final_record_over_a_changed_schema_is_unknown(engine: Engine) -> None:
    create_umami_schema(engine)
    run_sql(engine, "ALTER TABLE website_event DROP COLUMN tag", "DROP TABLE pixel")
    report = level_of(engine)
    assert report.level is SchemaLevel.UNKNOWN
    assert "website_event.tag" in report.message and "table pixel" in report.message


def test_umami_tables_without_migration_records_are_unknown(engine: Engine) -> None:
    create_umami_schema(engine)
    run_sql(engine, "DROP TABLE _prisma_migrations")
    report = level_of(engine)
    assert report.level is SchemaLevel.UNKNOWN
    assert "_prisma_migrations" in report.message


def test_someone_elses_tables_are_unknown_and_left_alone(engine: Engine) -> None:
    run_sql(engine, "CREATE TABLE invoices (id integer)")
    report = level_of(engine)
    assert report.level is SchemaLevel.UNKNOWN
    assert "invoices" in report.message
    with pytest.raises(UmamiSchemaError):
        create_umami_schema(engine)
    with engine.connect() as connection:
        tables = connection.execute(text(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema()"
        )).scalars().all()
    assert tables == ["invoices"]


def test_a_url_that_is_not_postgresql_is_refused() -> None:
    with pytest.raises(ValueError, match="not a PostgreSQL URL"):
        postgres_engine("mysql://user:secret@localhost/umami")
