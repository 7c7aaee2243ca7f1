"""Typed shapes of the rows the repositories hand out.

TypedDicts rather than dataclasses: callers read rows by column name (row["website_id"]) and
serialise them as they are, so a row stays a dict while its columns are spelled out here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict


class UserRow(TypedDict):
    user_id: str
    username: str
    password: str
    role: str
    created_at: datetime | None
    updated_at: datetime | None
    deleted_at: datetime | None
    display_name: str | None
    logo_url: str | None


class TeamRow(TypedDict):
    team_id: str
    name: str
    access_code: str | None
    created_at: datetime | None
    updated_at: datetime | None
    deleted_at: datetime | None
    logo_url: str | None


class TeamUserRow(TypedDict):
    team_user_id: str
    team_id: str
    user_id: str
    role: str
    created_at: datetime | None
    updated_at: datetime | None


class TeamMemberRow(TeamUserRow):
    username: str


class WebsiteRow(TypedDict):
    website_id: str
    name: str
    domain: str | None
    reset_at: datetime | None
    user_id: str | None
    team_id: str | None
    created_by: str | None
    created_at: datetime | None
    updated_at: datetime | None
    deleted_at: datetime | None
    replay_enabled: bool
    replay_config: Any


class PixelRow(TypedDict):
    pixel_id: str
    name: str
    slug: str
    user_id: str | None
    team_id: str | None
    created_at: datetime | None
    updated_at: datetime | None
    deleted_at: datetime | None


class LinkRow(TypedDict):
    link_id: str
    name: str
    url: str
    slug: str
    user_id: str | None
    team_id: str | None
    created_at: datetime | None
    updated_at: datetime | None
    deleted_at: datetime | None


class BoardRow(TypedDict):
    board_id: str
    type: str
    name: str
    description: str
    parameters: Any
    user_id: str | None
    team_id: str | None
    created_at: datetime | None
    updated_at: datetime | None


class ShareRow(TypedDict):
    share_id: str
    entity_id: str
    name: str
    share_type: int
    slug: str
    parameters: Any
    created_at: datetime | None
    updated_at: datetime | None


class ReportRow(TypedDict):
    report_id: str
    user_id: str
    website_id: str
    type: str
    name: str
    description: str
    parameters: Any
    created_at: datetime | None
    updated_at: datetime | None


class SegmentRow(TypedDict):
    segment_id: str
    website_id: str
    type: str
    name: str
    parameters: Any
    created_at: datetime | None
    updated_at: datetime | None


class DroppedHitRow(TypedDict):
    website_id: str
    reason: str
    day: str
    hits: int


@dataclass(frozen=True, slots=True)
class WebsiteRef:
    """What collection needs to know of a website id: whether it exists and is deleted."""

    website_id: str
    deleted: bool


@dataclass(frozen=True, slots=True)
class TrackedTarget:
    """A pixel or link as the collection path needs it."""

    target_id: str
    slug: str
    url: str | None = None
