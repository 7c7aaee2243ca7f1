"""Predecessor links on traffic rows: what makes exact distinct counts cheap.

Every traffic row (event types other than custom events and web vitals) stores when the row
before it happened in three chains, each in time order:

- `prev_in_session_at`: the previous traffic row of its session;
- `prev_in_visit_at` and `prev2_in_visit_at`: the previous and the second previous of its visit;
- `prev_in_path_at`: the previous traffic row of its session on the same `url_path`;

plus `visit_gap_seconds`, its whole-second distance from `prev_in_visit_at`. A row with no
predecessor holds '-infinity'; custom events and web vitals hold NULL there (they are not
linked). One more chain takes every event type: `prev_any_in_session_at`, for the session list.

A session has exactly one row in a window [start, end] whose session predecessor lies before
`start`, so counting such rows counts the window's distinct sessions without hashing millions of
ids; visits, bounces, total time and visitors per path follow the same way (queries/linked.py).
This holds for every window and every filter that has one value per session.

Links are written with each loaded batch: one scan reads the stored rows of the batch's sessions
(their chain ends), the batch is linked in SQL and inserted. A row older than its session's last
stored row (a late or backdated hit) makes that whole session relinked after the insert, so the
links always follow time order. Sessions whose rows disagree on a visitor attribute (a client
can override browser, os and device per hit) are listed in `varying_session`; filters on those
attributes then take the general path.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from umami_server.storage.records import EVENT_LINK_COLUMNS

LINK_COLUMNS = EVENT_LINK_COLUMNS

LINK_COLUMNS_DDL = """
    prev_in_session_at TIMESTAMPTZ,
    prev_in_visit_at TIMESTAMPTZ,
    prev2_in_visit_at TIMESTAMPTZ,
    prev_in_path_at TIMESTAMPTZ,
    visit_gap_seconds INTEGER,
    prev_any_in_session_at TIMESTAMPTZ"""

# Attributes every row of a session should share; distinct_id is left out on purpose: identify
# sets it mid-session, and no filter on it takes the linked path.
VISITOR_ATTRIBUTES = ("browser", "os", "device", "screen", "language", "country", "region", "city")

TRAFFIC = "event_type NOT IN (2, 5)"
NO_PREDECESSOR = "'-infinity'::TIMESTAMPTZ"


def _seconds(column: str) -> str:
    return f"(epoch_us({column}) // 1000000)"


def _gap(created_at: str, previous: str) -> str:
    return (f"CASE WHEN isfinite({previous}) THEN "
            f"{_seconds(created_at)} - {_seconds(previous)} ELSE 0 END")


def _lags(relation: str, order: str) -> str:
    """Each row of `relation` with its predecessors inside the relation (NULL: none there),
    ordered by time then `order`; the traffic chains skip custom events and web vitals."""
    def lag(partition: str, offset: int = 1) -> str:
        return (f"CASE WHEN is_traffic THEN lag(created_at, {offset}) OVER (PARTITION BY "
                f"is_traffic, {partition} ORDER BY created_at, {order}) END")
    return f"""
        SELECT event_id, created_at, session_id, visit_id, url_path, is_traffic,
               {lag("session_id")} AS s1,
               {lag("visit_id")} AS v1,
               {lag("visit_id", 2)} AS v2,
               {lag("session_id, url_path")} AS p1,
               lag(created_at) OVER (PARTITION BY session_id ORDER BY created_at, {order}) AS a1
        FROM {relation}"""


def _link_values(linked: str) -> str:
    """The link columns' values from a relation with the finished predecessors of a row."""
    return f"""{linked}.prev_in_session_at, {linked}.prev_in_visit_at,
               {linked}.prev2_in_visit_at, {linked}.prev_in_path_at,
               CASE WHEN {linked}.is_traffic
                    THEN {_gap(f"{linked}.created_at", f"{linked}.prev_in_visit_at")} END,
               {linked}.prev_any_in_session_at"""


def link_and_insert(cursor: duckdb.DuckDBPyConnection, incoming: str,
                    event_columns: Sequence[str]) -> None:
    """Insert the registered Arrow relation `incoming` (with an `arrival` column giving the
    order of equal timestamps) into website_event, linked to the rows stored before it."""
    columns = ", ".join(event_columns)
    cursor.execute(f"""
        CREATE OR REPLACE TEMP TABLE chain_end AS
        SELECT session_id, visit_id, url_path, created_at, {TRAFFIC} AS is_traffic,
               {", ".join(VISITOR_ATTRIBUTES)}
        FROM website_event
        WHERE session_id IN (SELECT DISTINCT session_id::UUID FROM {incoming})
    """)
    cursor.execute(f"""
        INSERT INTO website_event ({columns}, {", ".join(LINK_COLUMNS)})
        WITH batch AS (
            SELECT event_id, session_id::UUID AS session_id, visit_id::UUID AS visit_id,
                   url_path, created_at, {TRAFFIC} AS is_traffic, arrival
            FROM {incoming}
        ),
        lagged AS ({_lags("batch", "arrival")}),
        traffic_end AS (SELECT * FROM chain_end WHERE is_traffic),
        session_end AS (SELECT session_id, max(created_at) AS last_at
                        FROM traffic_end GROUP BY ALL),
        visit_end AS (SELECT visit_id, max(created_at, 2) AS lasts
                      FROM traffic_end GROUP BY ALL),
        path_end AS (SELECT session_id, url_path, max(created_at) AS last_at
                     FROM traffic_end GROUP BY ALL),
        any_end AS (SELECT session_id, max(created_at) AS last_at FROM chain_end GROUP BY ALL),
        linked AS (
            SELECT l.event_id, l.created_at, l.is_traffic,
                CASE WHEN l.is_traffic THEN
                    coalesce(l.s1, s.last_at, {NO_PREDECESSOR}) END AS prev_in_session_at,
                CASE WHEN l.is_traffic THEN
                    coalesce(l.v1, v.lasts[1], {NO_PREDECESSOR}) END AS prev_in_visit_at,
                CASE WHEN l.is_traffic THEN
                    coalesce(l.v2, CASE WHEN l.v1 IS NULL THEN v.lasts[2] ELSE v.lasts[1] END,
                             {NO_PREDECESSOR}) END AS prev2_in_visit_at,
                CASE WHEN l.is_traffic THEN
                    coalesce(l.p1, p.last_at, {NO_PREDECESSOR}) END AS prev_in_path_at,
                coalesce(l.a1, a.last_at, {NO_PREDECESSOR}) AS prev_any_in_session_at
            FROM lagged l
            LEFT JOIN session_end s USING (session_id)
            LEFT JOIN visit_end v USING (visit_id)
            LEFT JOIN path_end p USING (session_id, url_path)
            LEFT JOIN any_end a USING (session_id)
        )
        SELECT {", ".join(f"i.{name}" for name in event_columns)}, {_link_values("k")}
        FROM {incoming} i JOIN linked k USING (event_id)
    """)
    late = [row[0] for row in cursor.execute(f"""
        SELECT i.session_id
        FROM (SELECT session_id::UUID AS session_id, min(created_at) AS first_at
              FROM {incoming} GROUP BY ALL) i
        JOIN (SELECT session_id, max(created_at) AS last_at FROM chain_end GROUP BY ALL) s
          USING (session_id)
        WHERE i.first_at < s.last_at
    """).fetchall()]
    if late:
        relink_sessions(cursor, [str(session) for session in late])
    _record_varying_sessions(cursor, incoming)
    cursor.execute("DROP TABLE chain_end")


def _record_varying_sessions(cursor: duckdb.DuckDBPyConnection, incoming: str) -> None:
    attributes = ", ".join(VISITOR_ATTRIBUTES)
    cursor.execute(f"""
        INSERT INTO varying_session (website_id, session_id)
        SELECT any_value(website_id), session_id
        FROM (SELECT website_id::UUID AS website_id, session_id::UUID AS session_id,
                     {attributes}
              FROM {incoming}
              UNION ALL
              SELECT NULL, session_id, {attributes} FROM chain_end)
        GROUP BY session_id
        HAVING count(DISTINCT ({attributes})) > 1
           AND session_id NOT IN (SELECT session_id FROM varying_session)
    """)


def _linked_rows(table: str, where: str = "TRUE") -> str:
    """Every row of `table` matching `where`, with its finished predecessors (ties ordered by
    event id); `where` must keep whole sessions."""
    return f"""
        SELECT event_id, created_at, is_traffic,
               CASE WHEN is_traffic THEN coalesce(s1, {NO_PREDECESSOR}) END
                   AS prev_in_session_at,
               CASE WHEN is_traffic THEN coalesce(v1, {NO_PREDECESSOR}) END
                   AS prev_in_visit_at,
               CASE WHEN is_traffic THEN coalesce(v2, {NO_PREDECESSOR}) END
                   AS prev2_in_visit_at,
               CASE WHEN is_traffic THEN coalesce(p1, {NO_PREDECESSOR}) END
                   AS prev_in_path_at,
               coalesce(a1, {NO_PREDECESSOR}) AS prev_any_in_session_at
        FROM ({_lags(f"(SELECT *, {TRAFFIC} AS is_traffic FROM {table} WHERE {where})",
                     "event_id")})"""


def relink_sessions(cursor: duckdb.DuckDBPyConnection, session_ids: Sequence[str]) -> None:
    """Recompute the links of every row of these sessions from the stored rows alone."""
    rows = _linked_rows("website_event", "session_id IN (SELECT unnest(?::UUID[]))")
    cursor.execute(f"""
        UPDATE website_event SET ({", ".join(LINK_COLUMNS)}) = ({_link_values("r")})
        FROM ({rows}) r
        WHERE website_event.event_id = r.event_id
    """, [list(session_ids)])


def link_everything_sql(source: str, target: str, event_columns: Sequence[str]) -> str:
    """Copy `source` into `target` with every row linked (the schema migration's backfill)."""
    columns = ", ".join(f"e.{name}" for name in event_columns)
    return f"""
        INSERT INTO {target} ({", ".join(event_columns)}, {", ".join(LINK_COLUMNS)})
        SELECT {columns}, {_link_values("r")}
        FROM {source} e JOIN ({_linked_rows(source)}) r USING (event_id)
    """
