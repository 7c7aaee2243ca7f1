"""Journey report (api-analytics.md §4.2): the most common first steps of a visit.

Per visit, its rows in the window in time order; each is labelled with its event name, or its
path when it has none. Visits are counted per tuple of their first `steps` labels.

With visit links (storage/embedded/predecessors.py) no grouping by visit is needed. The first
rows of each visit carry a key of the visit's labels so far (`step_key`), of the row before
(`step_parent`) and of the first (`step_root`). The visits whose first steps are exactly a
prefix are the rows with its key minus the rows whose parent it is (the visits that go on), so
one aggregation over integer keys counts every prefix. Labels are then read for the top
prefixes only, from one visit of each. Visits that began before the window (few: those running
at its start) are grouped as before and added. A journey of one event type (the `eventType`
parameter or filter) reads the same keys kept per visit and event type. The grouped form
answers everything else: other filters on single rows, bounces excluded, and a store without
links.

Keys are 64 bits of MD5: two different prefixes would share one with odds of about 1 in 10^7
at a million distinct prefixes; their visits would then be counted together.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    and_,
    bindparam,
    case,
    false,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.types import NullType

from umami_server.queries.dimensions import E, const, text
from umami_server.queries.filters import Filter
from umami_server.queries.linked import one_exact_value
from umami_server.queries.planner import journey_steps_kept
from umami_server.queries.render import arrival_order, fetch
from umami_server.queries.request import AnalyticsRequest
from umami_server.queries.rows import Rows, conditions
from umami_server.queries.tables import website_event
from umami_server.storage.interface import EventStore
from umami_server.storage.records import STEP_SEPARATOR, step_key

SLOTS = 7
LIMIT = 100
_UNDEFINED = object()  # a slot beyond `steps`: JSON shows it as null, but it is not a null step

Steps = tuple[Any, ...]  # one visit's first labels, padded with None to `steps`


@dataclass(frozen=True, slots=True)
class StepColumns:
    """Where visits' step keys are kept (storage/embedded/predecessors.py), and on which rows."""

    seq: ColumnElement[Any]
    key: ColumnElement[Any]
    parent: ColumnElement[Any]
    root: ColumnElement[Any]
    rows: tuple[ColumnElement[bool], ...] = ()


# Over every row of a visit.
VISIT_STEPS = StepColumns(E.visit_seq, E.step_key, E.step_parent, E.step_root)


def type_steps(event_type: int) -> StepColumns:
    """Over a visit's rows of one event type."""
    return StepColumns(E.type_seq, E.type_step_key, E.type_step_parent, E.type_step_root,
                       (E.event_type == event_type,))


def step_columns(store: EventStore, request: AnalyticsRequest) -> StepColumns | None:
    """The step keys that answer this request's journey; None: only grouping is exact."""
    if journey_steps_kept(store, request, event_type=None):
        return VISIT_STEPS
    event_type = one_exact_value(request, "eventType")
    if event_type is not None and journey_steps_kept(store, request, event_type):
        return type_steps(event_type)
    return None


def step_label() -> ColumnElement[Any]:
    return case((text(E.event_name) != const(""), E.event_name), else_=E.url_path)


def journey(store: EventStore, request: AnalyticsRequest, steps: int,
            start_step: str | None = None, end_step: str | None = None,
            event_type: int | None = None) -> list[dict[str, Any]]:
    if event_type is not None:
        request = request.with_filters(
            (*request.filters, Filter("eventType", "eventType", "eq", (event_type,))))
    columns = step_columns(store, request)
    if columns is not None:
        return _linked(store, request, columns, steps, start_step, end_step)
    return _grouped(store, request, steps, start_step, end_step)


def _answer(counts: Counter[Steps]) -> list[dict[str, Any]]:
    """The LIMIT most visited tuples, most first, ties by their labels (nulls last)."""
    chosen = sorted(((labels, count) for labels, count in counts.items() if count > 0),
                    key=lambda item: (-item[1], *((label is None, label or "")
                                                  for label in item[0])))
    return [{"items": collapse(list(labels)), "count": count} for labels, count in chosen[:LIMIT]]


def _starts_and_ends(labels: Steps, start_step: str | None, end_step: str | None) -> bool:
    """The startStep / endStep conditions of the grouped query, on one tuple."""
    if start_step and labels[0] != start_step:
        return False
    if end_step:
        last = len(labels) - 1
        return any(label == end_step and (index == last or labels[index + 1] is None)
                   for index, label in enumerate(labels))
    return True


def _first_steps(request: AnalyticsRequest, steps: int,
                 *extra: ColumnElement[bool]) -> tuple[Select[Any], list[ColumnElement[Any]]]:
    """Visits counted per tuple of their first `steps` labels, by numbering rows per visit.

    A window sort rather than an aggregate keeping each visit's first labels: that one was
    1.4x faster with memory to spare, but its states cannot spill, and at 10 M events under
    the default 1 GB limit it ran out of memory; the sort spills to disk."""
    names = [f"e{index}" for index in range(1, steps + 1)]
    numbered = (
        select(E.visit_id, step_label().label("label"), func.row_number().over(
            partition_by=E.visit_id, order_by=(E.created_at, arrival_order())).label("n"))
        .where(*conditions(request, kind=Rows.ALL), *extra)
        .subquery("numbered")
    )
    visits = (
        select(*(func.max(numbered.c.label).filter(numbered.c.n == index).label(name)
                 for index, name in enumerate(names, start=1)))
        .where(numbered.c.n <= steps)
        .group_by(numbered.c.visit_id)
        .subquery("visit")
    )
    columns = [visits.c[name] for name in names]
    return select(*columns, func.count().label("count")).group_by(*columns), columns


def _grouped(store: EventStore, request: AnalyticsRequest, steps: int,
             start_step: str | None, end_step: str | None) -> list[dict[str, Any]]:
    query, columns = _first_steps(request, steps)
    if start_step:
        query = query.where(columns[0] == start_step)
    if end_step:
        ends = [and_(column == end_step, following.is_(None))
                for column, following in zip(columns, columns[1:], strict=False)]
        query = query.where(or_(*ends, columns[-1] == end_step))
    query = query.order_by(func.count().desc(), *(column.asc().nulls_last() for column in columns))
    rows = fetch(store, query.limit(LIMIT))
    return [{"items": collapse([row[f"e{index}"] for index in range(1, steps + 1)]),
             "count": int(row["count"])} for row in rows]


def _linked(store: EventStore, request: AnalyticsRequest, keys: StepColumns, steps: int,
            start_step: str | None, end_step: str | None) -> list[dict[str, Any]]:
    start = request.window.start
    # Visits that began before the window: grouped (their keys start outside it).
    counts: Counter[Steps] = Counter()
    query, columns = _first_steps(request, steps, E.visit_started_at < start)
    for row in fetch(store, query):
        labels = tuple(row[column.key] for column in columns)
        if _starts_and_ends(labels, start_step, end_step):
            counts[labels] += int(row["count"])
    earlier = {_key_of(labels): labels for labels in counts}

    rows = [*conditions(request, kind=Rows.ALL), E.visit_started_at >= start]
    if start_step:
        rows.append(keys.root == step_key(start_step))
    ends_there = step_label() == end_step if end_step else false()
    # +1 per row on its prefix, -1 on its parent's: what is left is the visits ending there.
    moves = union_all(
        select(keys.key.label("key"), literal(1).label("move"), ends_there.label("end"))
        .where(*rows, keys.seq <= steps),
        select(keys.parent, literal(-1), null())
        .where(*rows, keys.seq.between(2, steps)),
    ).subquery("move")
    ending = (select(moves.c.key, func.sum(moves.c.move).label("visits"))
              .group_by(moves.c.key)
              .having(func.sum(moves.c.move) > 0))
    if end_step:
        ending = ending.having(func.bool_or(moves.c.end))
    ending_cte = ending.cte("ending")
    # Every prefix at least as visited as the LIMIT-th (so ties are all there), and those the
    # earlier visits add to.
    nth = (select(ending_cte.c.visits).order_by(ending_cte.c.visits.desc())
           .offset(LIMIT - 1).limit(1).scalar_subquery())
    top = select(ending_cte.c.key, ending_cte.c.visits).where(or_(
        ending_cte.c.visits >= func.coalesce(nth, 1),
        _one_of(ending_cte.c.key, list(earlier)) if earlier else false()))
    found = {int(row["key"]): int(row["visits"]) for row in fetch(store, top)}
    labels_of = _labels(store, request, keys, steps,
                        [key for key in found if key not in earlier])
    for key, visits in found.items():
        labels = earlier.get(key) or labels_of.get(key)
        if labels is not None:  # None: relinked by a late hit between the two queries
            counts[labels] += visits
    return _answer(counts)


def _one_of(column: ColumnElement[Any], keys: list[int]) -> ColumnElement[bool]:
    """`column IN keys` with the keys as one array parameter: ties at the LIMIT-th count can
    make them many (a long tail of journeys seen once)."""
    return column.in_(select(func.unnest(bindparam(None, value=keys, type_=NullType()))))


def _key_of(labels: Steps) -> int:
    return step_key(STEP_SEPARATOR.join(label for label in labels if label is not None))


def _labels(store: EventStore, request: AnalyticsRequest, columns: StepColumns, steps: int,
            keys: list[int]) -> dict[int, Steps]:
    """Each prefix's labels, padded to `steps`, read from the first rows of one of its visits
    (a key no longer stored is left out)."""
    if not keys:
        return {}
    in_window = [*conditions(request, kind=Rows.ALL, filters=False), *columns.rows]
    one_visit = (select(columns.key.label("key"), func.min(E.visit_id).label("visit_id"),
                        func.min(columns.seq).label("depth"))
                 .where(*in_window, E.visit_started_at >= request.window.start,
                        _one_of(columns.key, keys))
                 .group_by(columns.key).cte("one_visit"))
    rows = (select(one_visit.c.key, columns.seq.label("seq"), step_label().label("label"))
            .join_from(website_event, one_visit,
                       and_(E.visit_id == one_visit.c.visit_id,
                            columns.seq <= one_visit.c.depth))
            .where(*in_window))
    found: dict[int, list[Any]] = {}
    for row in fetch(store, rows):
        found.setdefault(int(row["key"]), [None] * steps)[row["seq"] - 1] = row["label"]
    return {key: tuple(labels) for key, labels in found.items()}


def collapse(labels: list[Any]) -> list[Any]:
    """The 7 slots with consecutive equal entries merged (a run of unused slots is one null)."""
    slots = [*labels, *([_UNDEFINED] * (SLOTS - len(labels)))]
    merged: list[Any] = []
    for item in slots:
        if merged and merged[-1] is not _UNDEFINED and item is not _UNDEFINED:
            if merged[-1] == item:
                continue
        elif merged and merged[-1] is _UNDEFINED and item is _UNDEFINED:
            continue
        merged.append(item)
    return [None if item is _UNDEFINED else item for item in merged]
