"""Predecessor links on traffic rows: what makes exact distinct counts cheap.

Every traffic row (event types other than custom events and web vitals) stores when the row
before it happened in several chains, each in time order:

- `prev_in_session_at`: the previous traffic row of its session;
- `prev_in_visit_at` and `prev2_in_visit_at`: the previous and the second previous of its visit;
- `prev_in_path_at`, `prev_in_title_at`, `prev_in_hostname_at`: the previous traffic row of
  its session with the same path, title or hostname, and `prev_in_referrer_at` the same for
  rows referred by another site (`VALUE_CHAINS`);

plus `visit_gap_seconds`, its whole-second distance from `prev_in_visit_at`. A row with no
predecessor holds '-infinity'; custom events and web vitals hold NULL there (they are not
linked). One more chain takes every event type: `prev_any_in_session_at`, for the session list.

Per visit (`VISIT_COLUMNS`, added by a later migration):

- over every event type: `visit_seq`, the row's position in its visit, `visit_started_at`, the
  visit's first time, and for the first STEP_DEPTH rows `step_key`, a 64-bit key of the visit's
  step labels up to the row (event name, else path; the journey report), with `step_parent` the
  key of the row before (0 for the first) and `step_root` the key of the first;
- over traffic rows: `prev_in_visit_path_at` and `prev2_in_visit_path_at`, the previous and
  second previous row of the same path in the visit (the breakdown report).

Per visit and event type (`TYPE_STEP_COLUMNS`, a later migration again): `type_seq`,
`type_step_key`, `type_step_parent` and `type_step_root`, the same steps counted among the
visit's rows of the row's own event type (a journey of pageviews only, or of events only).

A session has exactly one row in a window [start, end] whose session predecessor lies before
`start`, so counting such rows counts the window's distinct sessions without hashing millions of
ids; visits, bounces, total time and visitors per path follow the same way (queries/linked.py).
This holds for every window and every filter that has one value per session.

Links are written with each loaded batch. Linking needs each chain's stored end (its latest
row, the latest two for a visit). A session new to the store has none (the session insert says
which are new); the ends of recently loaded sessions are kept in memory (`ChainEndCache`); only
the other sessions' stored rows are read, in one scan. One pass over the batch in time order
then links it, and it is inserted. A row older than its session's last stored row (a late or
backdated hit) makes that whole session relinked in SQL after the insert, so the links always
follow time order; the schema migration links stored rows with the same SQL. Sessions whose
rows disagree on a visitor attribute (a client can override browser, os and device per hit)
are listed in `varying_session`; filters on those attributes then take the grouped path.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from umami_server.storage.records import (
    EVENT_LINK_COLUMNS,
    EVENT_TYPE_STEP_COLUMNS,
    EVENT_VISIT_COLUMNS,
    STEP_DEPTH,
    STEP_SEPARATOR,
    step_key,
)

LINK_COLUMNS = EVENT_LINK_COLUMNS
VISIT_COLUMNS = EVENT_VISIT_COLUMNS
TYPE_STEP_COLUMNS = EVENT_TYPE_STEP_COLUMNS
# Every column a loaded batch gets from linking, in insert order.
WRITTEN_COLUMNS = (*LINK_COLUMNS, *VISIT_COLUMNS, *TYPE_STEP_COLUMNS)

LINK_COLUMNS_DDL = "".join(
    f",\n    {name} {'INTEGER' if name == 'visit_gap_seconds' else 'TIMESTAMPTZ'}"
    for name in LINK_COLUMNS)

# Attributes every row of a session should share; distinct_id is left out on purpose: identify
# sets it mid-session, and no filter on it takes the linked path.
VISITOR_ATTRIBUTES = ("browser", "os", "device", "screen", "language", "country", "region", "city")

VISIT_COLUMNS_DDL = {
    "visit_seq": "INTEGER", "visit_started_at": "TIMESTAMPTZ", "step_key": "UBIGINT",
    "step_parent": "UBIGINT", "step_root": "UBIGINT", "prev_in_visit_path_at": "TIMESTAMPTZ",
    "prev2_in_visit_path_at": "TIMESTAMPTZ",
}
TYPE_STEP_COLUMNS_DDL = {"type_seq": "INTEGER", "type_step_key": "UBIGINT",
                         "type_step_parent": "UBIGINT", "type_step_root": "UBIGINT"}

STEP_LABEL_SQL = "CASE WHEN coalesce(event_name, '') <> '' THEN event_name ELSE url_path END"

TRAFFIC = "event_type NOT IN (2, 5)"
NO_PREDECESSOR = "'-infinity'::TIMESTAMPTZ"
NO_TIME = -(2**63)  # "no row yet" among microsecond times
_MICROS = pa.timestamp("us", tz="UTC")
_ARROW_TYPES = {
    **{name: _MICROS for name in (*LINK_COLUMNS, *VISIT_COLUMNS) if name.endswith("_at")},
    "visit_gap_seconds": pa.int32(), "visit_seq": pa.int32(), "type_seq": pa.int32(),
    **{name: pa.uint64() for name in ("step_key", "step_parent", "step_root", "type_step_key",
                                      "type_step_parent", "type_step_root")},
}


def _text(row: Mapping[str, Any], column: str) -> str:
    return row.get(column) or ""


def _every_row(row: Mapping[str, Any]) -> bool:
    return True


def _from_another_site(row: Mapping[str, Any]) -> bool:
    referrer = _text(row, "referrer_domain")
    return referrer != "" and referrer != _text(row, "hostname")


@dataclass(frozen=True, slots=True)
class ValueChain:
    """Traffic rows of one session with the same value of `column` (NULL read as ''), among
    the rows `keeps` (in SQL: `rows`): what `/metrics` of that value counts."""

    link: str
    column: str
    rows: str
    keeps: Callable[[Mapping[str, Any]], bool]

    @property
    def key(self) -> str:
        return f"coalesce({self.column}, '')"


# Referrers count only rows from other sites (/metrics drops self-referrals), so their chain
# holds just those rows.
VALUE_CHAINS = (
    ValueChain("prev_in_path_at", "url_path", "TRUE", _every_row),
    ValueChain("prev_in_referrer_at", "referrer_domain",
               "coalesce(referrer_domain, '') NOT IN ('', coalesce(hostname, ''))",
               _from_another_site),
    ValueChain("prev_in_title_at", "page_title", "TRUE", _every_row),
    ValueChain("prev_in_hostname_at", "hostname", "TRUE", _every_row),
)


def _seconds(column: str) -> str:
    return f"(epoch_us({column}) // 1000000)"


def _gap(created_at: str, previous: str) -> str:
    return (f"CASE WHEN isfinite({previous}) THEN "
            f"{_seconds(created_at)} - {_seconds(previous)} ELSE 0 END")


def _lags(relation: str, order: str) -> str:
    """Each row of `relation` with its predecessors inside the relation (NULL: none there),
    ordered by time then `order`; the traffic chains skip custom events and web vitals."""
    def lag(partition: str, offset: int = 1, rows: str = "TRUE") -> str:
        return (f"CASE WHEN is_traffic AND {rows} THEN lag(created_at, {offset}) OVER ("
                f"PARTITION BY is_traffic, {rows}, {partition} ORDER BY created_at, {order}) END")
    values = ",\n".join(f"{lag(f'session_id, {chain.key}', rows=chain.rows)} AS {chain.link}, "
                        f"{chain.rows} AS in_{chain.link}"
                        for chain in VALUE_CHAINS)
    return f"""
        SELECT event_id, created_at, session_id, visit_id, url_path, is_traffic,
               {lag("session_id")} AS s1,
               {lag("visit_id")} AS v1,
               {lag("visit_id", 2)} AS v2,
               {values},
               lag(created_at) OVER (PARTITION BY session_id ORDER BY created_at, {order}) AS a1
        FROM {relation}"""


def _link_values(linked: str) -> str:
    """The link columns' values, in LINK_COLUMNS order, from a relation with the finished
    predecessors of a row."""
    values = {
        "prev_in_session_at": f"{linked}.prev_in_session_at",
        "prev_in_visit_at": f"{linked}.prev_in_visit_at",
        "prev2_in_visit_at": f"{linked}.prev2_in_visit_at",
        "visit_gap_seconds": f"CASE WHEN {linked}.is_traffic THEN "
                             f"{_gap(f'{linked}.created_at', f'{linked}.prev_in_visit_at')} END",
        "prev_any_in_session_at": f"{linked}.prev_any_in_session_at",
        **{chain.link: f"{linked}.{chain.link}" for chain in VALUE_CHAINS},
    }
    return ", ".join(values[name] for name in LINK_COLUMNS)


@dataclass(slots=True)
class ChainEnds:
    """The stored ends of one session's chains (times in microseconds since the epoch)."""

    any_at: int = NO_TIME
    traffic_at: int = NO_TIME
    visits: dict[str, tuple[int, int]] = field(default_factory=dict)  # last, second last
    # Per value chain (VALUE_CHAINS order): value -> last time.
    values: tuple[dict[str, int], ...] = field(
        default_factory=lambda: tuple({} for _ in VALUE_CHAINS))
    attributes: tuple[Any, ...] | None = None  # its rows' visitor attributes, when they agree
    varying: bool = False  # its rows disagree (already listed in varying_session)
    steps: dict[str, VisitSteps] = field(default_factory=dict)  # per visit, every event type
    type_steps: dict[tuple[str, int], VisitSteps] = field(default_factory=dict)  # per visit, type
    visit_paths: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)

    def add(self, row: Mapping[str, Any], created_at: int, traffic: bool,
            attributes: tuple[Any, ...]) -> None:
        """Fold in the session's next row. Rows must come in time order (ties: stored order)
        for the visit steps; the other ends are maxima."""
        self.any_at = max(self.any_at, created_at)
        visit = row["visit_id"]
        label = step_label(row)
        self.steps[visit] = VisitSteps.after(self.steps.get(visit), label, created_at)
        typed = (visit, row["event_type"])
        self.type_steps[typed] = VisitSteps.after(self.type_steps.get(typed), label, created_at)
        if not self.varying:
            if self.attributes is None:
                self.attributes = attributes
            elif self.attributes != attributes:
                self.varying = True
        if not traffic:
            return
        self.traffic_at = max(self.traffic_at, created_at)
        self.visits[visit] = _latest_two(self.visits.get(visit), created_at)
        visit_path = (visit, _text(row, "url_path"))
        self.visit_paths[visit_path] = _latest_two(self.visit_paths.get(visit_path), created_at)
        for chain, ends in zip(VALUE_CHAINS, self.values, strict=True):
            if chain.keeps(row):
                value = _text(row, chain.column)
                ends[value] = max(ends.get(value, NO_TIME), created_at)


def _latest_two(ends: tuple[int, int] | None, created_at: int) -> tuple[int, int]:
    last, second = ends or (NO_TIME, NO_TIME)
    if created_at >= last:
        return created_at, last
    return last, max(second, created_at)


def step_label(row: Mapping[str, Any]) -> str:
    """What a journey shows for a row (STEP_LABEL_SQL): its event name, else its path."""
    return row.get("event_name") or _text(row, "url_path")


@dataclass(frozen=True, slots=True)
class VisitSteps:
    """Where a visit stands: rows so far, its first time, and its steps' labels and key while
    it has at most STEP_DEPTH rows."""

    seq: int
    started_at: int
    labels: str | None
    key: int | None
    root: int

    @staticmethod
    def after(previous: VisitSteps | None, label: str, created_at: int) -> VisitSteps:
        if previous is None:
            key = step_key(label)
            return VisitSteps(1, created_at, label, key, key)
        seq = previous.seq + 1
        if seq > STEP_DEPTH or previous.labels is None:
            return VisitSteps(seq, previous.started_at, None, None, previous.root)
        labels = previous.labels + STEP_SEPARATOR + label
        return VisitSteps(seq, previous.started_at, labels, step_key(labels), previous.root)

    def parent_key(self, previous: VisitSteps | None) -> int | None:
        """`step_parent` of the row that led from `previous` to here (0 for a first row)."""
        if self.key is None:
            return None
        return 0 if previous is None else previous.key


class ChainEndCache:
    """Chain ends of the sessions loaded most recently; the rest are read from the table."""

    # About 5 KB per session of 9 hits in 3 visits (bench/chain_ends_size.py; 3.4 KB without
    # the steps per event type): 20,000 sessions hold minutes of a busy site's traffic, hours
    # of a quiet one's, in ~100 MB.
    def __init__(self, capacity: int = 20_000):
        self._capacity = capacity
        self._ends: OrderedDict[str, ChainEnds] = OrderedDict()

    def get(self, session_id: str) -> ChainEnds | None:
        ends = self._ends.get(session_id)
        if ends is not None:
            self._ends.move_to_end(session_id)
        return ends

    def put(self, session_id: str, ends: ChainEnds) -> None:
        self._ends[session_id] = ends
        self._ends.move_to_end(session_id)
        while len(self._ends) > self._capacity:
            self._ends.popitem(last=False)

    def __contains__(self, session_id: object) -> bool:
        return session_id in self._ends

    def discard(self, session_id: str) -> None:
        self._ends.pop(session_id, None)

    def clear(self) -> None:
        self._ends.clear()


def _row_attributes(row: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(map(row.get, VISITOR_ATTRIBUTES))


def _is_traffic(row: Mapping[str, Any]) -> bool:
    return row["event_type"] not in (2, 5)


def _stored_ends(cursor: duckdb.DuckDBPyConnection,
                 session_ids: Sequence[str]) -> dict[str, ChainEnds]:
    """Chain ends of these sessions read from their stored rows (absent: no rows)."""
    ends: dict[str, ChainEnds] = {}
    columns = ["session_id", "visit_id", *(chain.column for chain in VALUE_CHAINS),
               *VISITOR_ATTRIBUTES, "event_name"]
    columns = list(dict.fromkeys(["hostname", *columns]))
    # In time order, ties in stored order: the visit steps are folded row by row.
    found = cursor.execute(f"""
        SELECT epoch_us(created_at), event_type,
               {", ".join(f"{name}::VARCHAR" for name in columns)}
        FROM website_event WHERE session_id IN (SELECT unnest(?::UUID[]))
        ORDER BY created_at, rowid
    """, [list(session_ids)]).fetchall()
    for created_at, event_type, *values in found:
        row = {"event_type": event_type, **dict(zip(columns, values, strict=True))}
        traffic = _is_traffic(row)
        ends.setdefault(row["session_id"], ChainEnds()).add(
            row, created_at, traffic, _row_attributes(row))
    return ends


def _walk(events: Sequence[Mapping[str, Any]], ends: dict[str, ChainEnds],
          ) -> tuple[dict[str, list[Any]], dict[str, str]]:
    """Each row's predecessors (in time order, ties in batch order), folding the rows into
    `ends` on the way; also the sessions whose rows started to disagree on an attribute."""
    links: dict[str, list[Any]] = {
        name: [None] * len(events) for name in WRITTEN_COLUMNS}
    varying: dict[str, str] = {}
    for index in sorted(range(len(events)), key=lambda position: events[position]["created_at"]):
        row = events[index]
        session, created_at = row["session_id"], row["created_at"]
        end = ends.get(session)
        if end is None:
            end = ends[session] = ChainEnds()
        traffic = _is_traffic(row)
        links["prev_any_in_session_at"][index] = _known(end.any_at)
        if traffic:
            last, second = end.visits.get(row["visit_id"], (NO_TIME, NO_TIME))
            links["prev_in_session_at"][index] = _known(end.traffic_at)
            links["prev_in_visit_at"][index] = _known(last)
            links["prev2_in_visit_at"][index] = _known(second)
            for chain, ends_of_chain in zip(VALUE_CHAINS, end.values, strict=True):
                if chain.keeps(row):
                    links[chain.link][index] = _known(
                        ends_of_chain.get(_text(row, chain.column), NO_TIME))
            links["visit_gap_seconds"][index] = (
                created_at // 1_000_000 - last // 1_000_000 if last != NO_TIME else 0)
            last, second = end.visit_paths.get(
                (row["visit_id"], _text(row, "url_path")), (NO_TIME, NO_TIME))
            links["prev_in_visit_path_at"][index] = _known(last)
            links["prev2_in_visit_path_at"][index] = _known(second)
        typed = (row["visit_id"], row["event_type"])
        before, typed_before = end.steps.get(row["visit_id"]), end.type_steps.get(typed)
        was_varying = end.varying
        end.add(row, created_at, traffic, _row_attributes(row))
        steps, typed_steps = end.steps[row["visit_id"]], end.type_steps[typed]
        links["visit_seq"][index] = steps.seq
        links["visit_started_at"][index] = steps.started_at
        for prefix, now, previous in (("", steps, before), ("type_", typed_steps, typed_before)):
            links[f"{prefix}step_key"][index] = now.key
            links[f"{prefix}step_parent"][index] = now.parent_key(previous)
            links[f"{prefix}step_root"][index] = None if now.key is None else now.root
        links["type_seq"][index] = typed_steps.seq
        if end.varying and not was_varying:
            varying[session] = row["website_id"]
    return links, varying


def _known(moment: int) -> int | None:
    return None if moment == NO_TIME else moment


def link_and_insert(cursor: duckdb.DuckDBPyConnection, events: Sequence[Mapping[str, Any]],
                    rows: pa.Table, new_sessions: set[str], cache: ChainEndCache) -> None:
    """Insert `events` (also given as the Arrow `rows`) into website_event, linked to the rows
    stored before them. `new_sessions` have no stored rows."""
    ends: dict[str, ChainEnds] = {}
    unknown = []
    for session in dict.fromkeys(row["session_id"] for row in events):
        cached = None if session in new_sessions else cache.get(session)
        if cached is not None:
            ends[session] = cached
        elif session not in new_sessions:
            unknown.append(session)
    if unknown:
        ends.update(_stored_ends(cursor, unknown))
    stored_until = {session: end.any_at for session, end in ends.items()}

    links, varying = _walk(events, ends)
    for name in WRITTEN_COLUMNS:
        rows = rows.append_column(f"link_{name}", pa.array(links[name], _ARROW_TYPES[name]))
    cursor.register("incoming_events", rows)
    try:
        cursor.execute(_INSERT_SQL.format(columns=", ".join(_event_columns(rows))))
    finally:
        cursor.unregister("incoming_events")

    late = {row["session_id"] for row in events
            if row["created_at"] < stored_until.get(row["session_id"], NO_TIME)}
    if late:
        relink_sessions(cursor, list(late))
    for session, end in ends.items():
        if session in late:
            # Folded out of time order: its visit steps are read again from the relinked rows.
            cache.discard(session)
        else:
            cache.put(session, end)
    if varying:
        cursor.execute("""
            INSERT INTO varying_session (website_id, session_id)
            SELECT pair[1]::UUID, pair[2]::UUID
            FROM (SELECT unnest(?::VARCHAR[][]) AS pair)
            WHERE pair[2]::UUID NOT IN (SELECT session_id FROM varying_session)
        """, [[[website, session] for session, website in varying.items()]])


def _event_columns(rows: pa.Table) -> list[str]:
    return [name for name in rows.column_names if not name.startswith("link_")]


def _stored_link(name: str) -> str:
    """How a link computed in Python is stored: no predecessor is '-infinity', and rows
    outside the link's chain hold NULL."""
    if name == "visit_gap_seconds":
        return f"link_{name}"
    if name == "prev_any_in_session_at":
        return f"coalesce(link_{name}, {NO_PREDECESSOR})"
    rows = next((chain.rows for chain in VALUE_CHAINS if chain.link == name), "TRUE")
    return f"CASE WHEN {TRAFFIC} AND {rows} THEN coalesce(link_{name}, {NO_PREDECESSOR}) END"


def _stored_visit_link(name: str) -> str:
    if name.startswith("prev"):
        return f"CASE WHEN {TRAFFIC} THEN coalesce(link_{name}, {NO_PREDECESSOR}) END"
    return f"link_{name}"


_INSERT_SQL = f"""
    INSERT INTO website_event ({{columns}}, {", ".join(WRITTEN_COLUMNS)})
    SELECT {{columns}}, {", ".join(_stored_link(name) for name in LINK_COLUMNS)},
           {", ".join(_stored_visit_link(name) for name in (*VISIT_COLUMNS, *TYPE_STEP_COLUMNS))}
    FROM incoming_events
"""


def _linked_rows(table: str, where: str = "TRUE") -> str:
    """Every row of `table` matching `where`, with its finished predecessors; rows of the same
    instant follow their storage order, as in a batch. `where` must keep whole sessions."""
    def finished(lagged: str, name: str, rows: str = "TRUE") -> str:
        return (f"CASE WHEN is_traffic AND {rows} THEN coalesce({lagged}, {NO_PREDECESSOR}) "
                f"END AS {name}")
    chains = ", ".join(finished(chain.link, chain.link, f"in_{chain.link}")
                       for chain in VALUE_CHAINS)
    return f"""
        SELECT event_id, created_at, is_traffic,
               {finished("s1", "prev_in_session_at")},
               {finished("v1", "prev_in_visit_at")},
               {finished("v2", "prev2_in_visit_at")},
               {chains},
               coalesce(a1, {NO_PREDECESSOR}) AS prev_any_in_session_at
        FROM ({_lags(f"(SELECT *, rowid AS stored_order, {TRAFFIC} AS is_traffic "
                     f"FROM {table} WHERE {where})", "stored_order")})"""


def relink_sessions(cursor: duckdb.DuckDBPyConnection, session_ids: Sequence[str]) -> None:
    """Recompute the links of every row of these sessions from the stored rows alone."""
    sessions = "session_id IN (SELECT unnest(?::UUID[]))"
    rows = _linked_rows("website_event", sessions)
    cursor.execute(f"""
        UPDATE website_event SET ({", ".join(LINK_COLUMNS)}) = ({_link_values("r")})
        FROM ({rows}) r
        WHERE website_event.event_id = r.event_id
    """, [list(session_ids)])
    cursor.execute(link_visits_sql(sessions), [list(session_ids)])
    cursor.execute(link_type_steps_sql(sessions), [list(session_ids)])


# step_key() in SQL, of a list of labels.
_STEP_KEY_SQL = f"md5_number_lower(array_to_string(labels, chr({ord(STEP_SEPARATOR)})))"


def visit_links_query(where: str) -> str:
    """VISIT_COLUMNS of the event rows matching `where` (whole sessions), by storage position."""
    in_visit = "PARTITION BY visit_id ORDER BY created_at, stored_order"
    in_visit_path = ("PARTITION BY is_traffic, visit_id, url_path "
                     "ORDER BY created_at, stored_order")

    def previous(offset: int) -> str:
        return (f"CASE WHEN is_traffic THEN coalesce(lag(created_at, {offset}) OVER "
                f"in_visit_path, {NO_PREDECESSOR}) END")
    key = _STEP_KEY_SQL
    return f"""
        SELECT stored_order, visit_seq, visit_started_at, step_key,
               CASE WHEN visit_seq = 1 THEN 0
                    WHEN step_key IS NOT NULL THEN lag(step_key) OVER in_visit END
                   AS step_parent,
               CASE WHEN step_key IS NOT NULL THEN first_value(step_key) OVER in_visit END
                   AS step_root,
               prev_in_visit_path_at, prev2_in_visit_path_at
        FROM (
            SELECT stored_order, created_at, visit_id, visit_seq, visit_started_at,
                   CASE WHEN visit_seq <= {STEP_DEPTH} THEN {key} END AS step_key,
                   prev_in_visit_path_at, prev2_in_visit_path_at
            FROM (
                SELECT stored_order, created_at, visit_id,
                       row_number() OVER in_visit AS visit_seq,
                       min(created_at) OVER (PARTITION BY visit_id) AS visit_started_at,
                       list(label) OVER (in_visit ROWS BETWEEN {STEP_DEPTH - 1} PRECEDING
                                         AND CURRENT ROW) AS labels,
                       {previous(1)} AS prev_in_visit_path_at,
                       {previous(2)} AS prev2_in_visit_path_at
                FROM (SELECT rowid AS stored_order, created_at, visit_id, url_path,
                             {TRAFFIC} AS is_traffic, {STEP_LABEL_SQL} AS label
                      FROM website_event WHERE {where})
                WINDOW in_visit AS ({in_visit}), in_visit_path AS ({in_visit_path})
            )
        )
        WINDOW in_visit AS ({in_visit})"""


def _set_by_position(columns: Sequence[str], query: str) -> str:
    """Set `columns` on stored event rows from `query`'s rows of the same `stored_order`."""
    return f"""
        UPDATE website_event SET ({", ".join(columns)}) = ({", ".join(
            f"r.{name}" for name in columns)})
        FROM ({query}) r
        WHERE website_event.rowid = r.stored_order"""


def link_visits_sql(where: str = "TRUE") -> str:
    """Set VISIT_COLUMNS on the stored event rows matching `where` (whole sessions)."""
    return _set_by_position(VISIT_COLUMNS, visit_links_query(where))


def type_steps_query(where: str) -> str:
    """TYPE_STEP_COLUMNS of the event rows matching `where` (whole sessions), by storage
    position: visit_links_query's steps, counted among the rows of one visit and type."""
    in_type = "PARTITION BY visit_id, event_type ORDER BY created_at, stored_order"
    return f"""
        SELECT stored_order, type_seq, type_step_key,
               CASE WHEN type_seq = 1 THEN 0
                    WHEN type_step_key IS NOT NULL THEN lag(type_step_key) OVER in_type END
                   AS type_step_parent,
               CASE WHEN type_step_key IS NOT NULL THEN first_value(type_step_key) OVER in_type
                   END AS type_step_root
        FROM (
            SELECT stored_order, created_at, visit_id, event_type, type_seq,
                   CASE WHEN type_seq <= {STEP_DEPTH} THEN {_STEP_KEY_SQL} END AS type_step_key
            FROM (
                SELECT stored_order, created_at, visit_id, event_type,
                       row_number() OVER in_type AS type_seq,
                       list(label) OVER (in_type ROWS BETWEEN {STEP_DEPTH - 1} PRECEDING
                                         AND CURRENT ROW) AS labels
                FROM (SELECT rowid AS stored_order, created_at, visit_id, event_type,
                             {STEP_LABEL_SQL} AS label
                      FROM website_event WHERE {where})
                WINDOW in_type AS ({in_type})
            )
        )
        WINDOW in_type AS ({in_type})"""


def link_type_steps_sql(where: str = "TRUE") -> str:
    """Set TYPE_STEP_COLUMNS on the stored event rows matching `where` (whole sessions)."""
    return _set_by_position(TYPE_STEP_COLUMNS, type_steps_query(where))


def link_everything_sql(source: str, target: str, event_columns: Sequence[str]) -> str:
    """Copy `source` into `target` with every row linked (the schema migration's backfill)."""
    columns = ", ".join(f"e.{name}" for name in event_columns)
    return f"""
        INSERT INTO {target} ({", ".join(event_columns)}, {", ".join(LINK_COLUMNS)})
        SELECT {columns}, {_link_values("r")}
        FROM {source} e JOIN ({_linked_rows(source)}) r USING (event_id)
    """
