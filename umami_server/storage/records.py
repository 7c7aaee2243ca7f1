"""The rows collection hands to storage: one `IngestEntry` per accepted hit.

An entry is a plain dict so it can be written to the durable log with one orjson call and replayed
after a crash. Timestamps are integer microseconds since the epoch (UTC); ids are UUID strings.
"""

from __future__ import annotations

import hashlib
from typing import Any, NotRequired, TypedDict

EVENT_TYPE_PAGEVIEW = 1
EVENT_TYPE_CUSTOM = 2
EVENT_TYPE_LINK = 3
EVENT_TYPE_PIXEL = 4
EVENT_TYPE_PERFORMANCE = 5

DATA_TYPE_STRING = 1
DATA_TYPE_NUMBER = 2
DATA_TYPE_BOOLEAN = 3
DATA_TYPE_DATE = 4
DATA_TYPE_ARRAY = 5

# Session attributes; Umami's ClickHouse schema also copies them onto every event row.
SESSION_ATTRIBUTES = (
    "browser", "os", "device", "screen", "language", "country", "region", "city", "distinct_id",
)

EVENT_COLUMNS = (
    "event_id", "website_id", "session_id", "visit_id", "created_at",
    "url_path", "url_query", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term",
    "referrer_path", "referrer_query", "referrer_domain", "page_title",
    "gclid", "fbclid", "msclkid", "ttclid", "twclid", "li_fat_id",
    "event_type", "event_name", "tag", "hostname", "lcp", "inp", "cls", "fcp", "ttfb",
    *SESSION_ATTRIBUTES,
)
# Predecessor links a store may keep on each event row (storage/embedded/predecessors.py).
EVENT_LINK_COLUMNS = (
    "prev_in_session_at", "prev_in_visit_at", "prev2_in_visit_at", "prev_in_path_at",
    "visit_gap_seconds", "prev_any_in_session_at", "prev_in_referrer_at", "prev_in_title_at",
    "prev_in_hostname_at",
)
# Per-visit links, kept beside the predecessor links (a separate list: schema migration 2 is
# generated from EVENT_LINK_COLUMNS and must keep its text).
EVENT_VISIT_COLUMNS = (
    "visit_seq", "visit_started_at", "step_key", "step_parent", "step_root",
    "prev_in_visit_path_at", "prev2_in_visit_path_at",
)
# The same steps per visit and event type (a journey of one event type), kept apart again:
# schema migration 3 is generated from EVENT_VISIT_COLUMNS.
EVENT_TYPE_STEP_COLUMNS = ("type_seq", "type_step_key", "type_step_parent", "type_step_root")
# A visit's first STEP_DEPTH rows carry `step_key`: the key of its step labels so far (event
# name, else path), joined by STEP_SEPARATOR. Journeys show at most 7 steps.
STEP_DEPTH = 7
STEP_SEPARATOR = "\x1f"


def step_key(labels: str) -> int:
    """The 64-bit key of joined step labels: the lower half of their MD5 as DuckDB's
    `md5_number_lower` reads it, so SQL can compute the same key."""
    return int.from_bytes(hashlib.md5(labels.encode()).digest()[8:], "little")


SESSION_COLUMNS = ("session_id", "website_id", *SESSION_ATTRIBUTES, "created_at")
DATA_VALUE_COLUMNS = ("data_key", "string_value", "number_value", "date_value", "data_type")
EVENT_DATA_COLUMNS = (
    "event_data_id", "website_id", "website_event_id", "session_id", *DATA_VALUE_COLUMNS,
    "created_at",
)
SESSION_DATA_COLUMNS = (
    "session_data_id", "website_id", "session_id", *DATA_VALUE_COLUMNS, "distinct_id", "created_at",
)
REVENUE_COLUMNS = (
    "revenue_id", "website_id", "session_id", "event_id", "event_name", "currency", "revenue",
    "created_at",
)

Row = dict[str, Any]


class IngestEntry(TypedDict):
    session: NotRequired[Row]  # present only when the session row may not exist yet
    event: NotRequired[Row]
    event_data: NotRequired[list[Row]]
    session_data: NotRequired[list[Row]]
    revenue: NotRequired[Row]
