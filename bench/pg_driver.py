"""Driver benchmark: psycopg 3 against asyncpg on Umami's `website_event`, both from asyncio.

Starts a durable throwaway PostgreSQL (tests/postgres.py with fsync on), creates Umami 3.1's
schema, and for each driver measures:

* writes: N event rows in transactions of B rows (one transaction = one group commit), by
  multi-row INSERT (psycopg `executemany`, which pipelines; asyncpg `executemany`) and by COPY
  (psycopg `cursor.copy` with `write_row`; asyncpg `copy_records_to_table`);
* reads: a simple aggregate (pageviews and distinct sessions per path, top 10) over the rows
  written, and a read of 10,000 whole rows (what decoding costs), median of --runs calls.

    python bench/pg_driver.py [--events 50000] [--batches 10,100,1000] [--runs 3]

Needs the bench extra (`pip install -e '.[bench]'`) for asyncpg.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.postgres import PostgresServer, find_bindir  # noqa: E402
from umami_server.storage.postgres.schema import (  # noqa: E402
    create_umami_schema,
    postgres_engine,
)

COLUMNS = (
    "event_id", "website_id", "session_id", "visit_id", "created_at", "url_path", "url_query",
    "referrer_domain", "page_title", "event_type", "hostname",
)
INSERT = (
    f"INSERT INTO website_event ({', '.join(COLUMNS)}) VALUES "
    f"({', '.join('%s' for _ in COLUMNS)})"
)
INSERT_ASYNCPG = (
    f"INSERT INTO website_event ({', '.join(COLUMNS)}) VALUES "
    f"({', '.join(f'${n}' for n in range(1, len(COLUMNS) + 1))})"
)
AGGREGATE = """
    SELECT url_path, count(*) AS views, count(DISTINCT session_id) AS visitors
    FROM website_event WHERE website_id = {website} AND created_at >= {start}
      AND created_at < {end} AND event_type = 1
    GROUP BY url_path ORDER BY views DESC LIMIT 10
"""
WHOLE_ROWS = f"SELECT {', '.join(COLUMNS)} FROM website_event LIMIT 10000"
WEBSITE = uuid.UUID("6a4e8b2c-1f0d-4c3e-9a7b-5d2e1f0a3b4c")
START = datetime(2026, 11, 1, tzinfo=UTC)
PATHS = [f"/page/{n}" for n in range(200)]


def event_rows(count: int, seed: int) -> list[tuple[Any, ...]]:
    generator = random.Random(seed)
    sessions = [uuid.UUID(int=generator.getrandbits(128), version=4) for _ in range(count // 5)]
    rows = []
    for _ in range(count):
        session = generator.choice(sessions)
        rows.append((
            uuid.UUID(int=generator.getrandbits(128), version=4), WEBSITE, session, session,
            START + timedelta(seconds=generator.randrange(30 * 86400)),
            generator.choice(PATHS), "utm_source=news" if generator.random() < 0.1 else None,
            generator.choice(["google.com", "news.ycombinator.com", None]), "A page title", 1,
            "example.com",
        ))
    return rows


async def psycopg_insert(url: str, rows: list[tuple[Any, ...]], batch: int) -> None:
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as connection:
        for offset in range(0, len(rows), batch):
            async with connection.transaction(), connection.cursor() as cursor:
                await cursor.executemany(INSERT, rows[offset:offset + batch])


async def psycopg_copy(url: str, rows: list[tuple[Any, ...]], batch: int) -> None:
    statement = f"COPY website_event ({', '.join(COLUMNS)}) FROM STDIN"
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as connection:
        for offset in range(0, len(rows), batch):
            async with (
                connection.transaction(),
                connection.cursor() as cursor,
                cursor.copy(statement) as copy,
            ):
                for row in rows[offset:offset + batch]:
                    await copy.write_row(row)


async def asyncpg_insert(url: str, rows: list[tuple[Any, ...]], batch: int) -> None:
    connection = await asyncpg.connect(url)
    try:
        for offset in range(0, len(rows), batch):
            async with connection.transaction():
                await connection.executemany(INSERT_ASYNCPG, rows[offset:offset + batch])
    finally:
        await connection.close()


async def asyncpg_copy(url: str, rows: list[tuple[Any, ...]], batch: int) -> None:
    connection = await asyncpg.connect(url)
    try:
        for offset in range(0, len(rows), batch):
            async with connection.transaction():
                await connection.copy_records_to_table(
                    "website_event", records=rows[offset:offset + batch], columns=list(COLUMNS)
                )
    finally:
        await connection.close()


async def psycopg_reads(url: str, runs: int) -> tuple[float, float]:
    query = AGGREGATE.format(website="%s", start="%s", end="%s")
    async with await psycopg.AsyncConnection.connect(url) as connection:
        aggregate = await _median(runs, lambda: _psycopg_fetch(
            connection, query, (WEBSITE, START, START + timedelta(days=30))))
        whole = await _median(runs, lambda: _psycopg_fetch(connection, WHOLE_ROWS, None))
    return aggregate, whole


async def _psycopg_fetch(
    connection: psycopg.AsyncConnection, query: str, parameters: tuple[Any, ...] | None
) -> None:
    async with connection.cursor() as cursor:
        await cursor.execute(query, parameters)
        await cursor.fetchall()


async def asyncpg_reads(url: str, runs: int) -> tuple[float, float]:
    query = AGGREGATE.format(website="$1", start="$2", end="$3")
    connection = await asyncpg.connect(url)
    try:
        aggregate = await _median(runs, lambda: connection.fetch(
            query, WEBSITE, START, START + timedelta(days=30)))
        whole = await _median(runs, lambda: connection.fetch(WHOLE_ROWS))
    finally:
        await connection.close()
    return aggregate, whole


async def _median(runs: int, call: Callable[[], Awaitable[Any]]) -> float:
    await call()  # warm-up: plan caches, shared buffers
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


WRITERS: dict[str, Callable[[str, list[tuple[Any, ...]], int], Awaitable[None]]] = {
    "psycopg executemany": psycopg_insert,
    "asyncpg executemany": asyncpg_insert,
    "psycopg COPY": psycopg_copy,
    "asyncpg COPY": asyncpg_copy,
}


async def measure(url: str, events: int, batches: list[int], runs: int) -> None:
    rows = event_rows(events, seed=1)
    print(f"| writer | rows per transaction | rows/s (median of {runs}) |")
    print("|---|---|---|")
    for batch in batches:
        for name, writer in WRITERS.items():
            rates = []
            for _ in range(runs):
                async with await psycopg.AsyncConnection.connect(url, autocommit=True) as admin:
                    await admin.execute("TRUNCATE website_event")
                started = time.perf_counter()
                await writer(url, rows, batch)
                rates.append(events / (time.perf_counter() - started))
            print(f"| {name} | {batch} | {statistics.median(rates):,.0f} |", flush=True)
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as admin:
        await admin.execute("VACUUM ANALYZE website_event")
    reads = {"psycopg": await psycopg_reads(url, runs * 5),
             "asyncpg": await asyncpg_reads(url, runs * 5)}
    print(f"\n| driver | aggregate over {events:,} rows, ms | 10,000 whole rows, ms |")
    print("|---|---|---|")
    for name, (aggregate, whole) in reads.items():
        print(f"| {name} | {aggregate * 1000:.1f} | {whole * 1000:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--batches", default="10,100,1000")
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("no PostgreSQL binaries found (apt-get install postgresql)")
    server = PostgresServer(bindir, durable=True).start()
    try:
        url = server.create_database("bench")
        engine = postgres_engine(url)
        create_umami_schema(engine)
        engine.dispose()
        batches = [int(size) for size in arguments.batches.split(",")]
        asyncio.run(measure(url, arguments.events, batches, arguments.runs))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
