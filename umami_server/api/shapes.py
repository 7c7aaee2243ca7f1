"""Stored rows as Umami's JSON objects: camelCase keys in Umami's order, ISO times with ms."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from umami_server.storage.metadata_store import Page, PageRequest


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # SQLite returns the UTC it was given, zoneless
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _shape(row: dict[str, Any], fields: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    shaped: dict[str, Any] = {}
    for key, column in fields:
        value = row.get(column)
        shaped[key] = iso(value) if isinstance(value, datetime) else value
    return shaped


_USER = (("id", "user_id"), ("username", "username"), ("role", "role"),
         ("createdAt", "created_at"))
_USER_ADMIN = (("id", "user_id"), ("username", "username"), ("role", "role"),
               ("logoUrl", "logo_url"), ("displayName", "display_name"),
               ("createdAt", "created_at"), ("updatedAt", "updated_at"),
               ("deletedAt", "deleted_at"))
_TEAM = (("id", "team_id"), ("name", "name"), ("accessCode", "access_code"),
         ("logoUrl", "logo_url"), ("createdAt", "created_at"), ("updatedAt", "updated_at"),
         ("deletedAt", "deleted_at"))
_TEAM_USER = (("id", "team_user_id"), ("teamId", "team_id"), ("userId", "user_id"),
              ("role", "role"), ("createdAt", "created_at"), ("updatedAt", "updated_at"))
_WEBSITE = (("id", "website_id"), ("name", "name"), ("domain", "domain"),
            ("resetAt", "reset_at"), ("userId", "user_id"), ("teamId", "team_id"),
            ("createdBy", "created_by"), ("createdAt", "created_at"),
            ("updatedAt", "updated_at"), ("deletedAt", "deleted_at"),
            ("replayEnabled", "replay_enabled"), ("replayConfig", "replay_config"))
_LINK = (("id", "link_id"), ("name", "name"), ("url", "url"), ("slug", "slug"),
         ("userId", "user_id"), ("teamId", "team_id"), ("createdAt", "created_at"),
         ("updatedAt", "updated_at"), ("deletedAt", "deleted_at"))
_PIXEL = (("id", "pixel_id"), ("name", "name"), ("slug", "slug"), ("userId", "user_id"),
          ("teamId", "team_id"), ("createdAt", "created_at"), ("updatedAt", "updated_at"),
          ("deletedAt", "deleted_at"))
_BOARD = (("id", "board_id"), ("type", "type"), ("name", "name"),
          ("description", "description"), ("parameters", "parameters"), ("userId", "user_id"),
          ("teamId", "team_id"), ("createdAt", "created_at"), ("updatedAt", "updated_at"))
_REPORT = (("id", "report_id"), ("userId", "user_id"), ("websiteId", "website_id"),
           ("type", "type"), ("name", "name"), ("description", "description"),
           ("parameters", "parameters"), ("createdAt", "created_at"),
           ("updatedAt", "updated_at"))
_SEGMENT = (("id", "segment_id"), ("websiteId", "website_id"), ("type", "type"),
            ("name", "name"), ("parameters", "parameters"), ("createdAt", "created_at"),
            ("updatedAt", "updated_at"))
_SHARE = (("id", "share_id"), ("entityId", "entity_id"), ("name", "name"),
          ("shareType", "share_type"), ("slug", "slug"), ("parameters", "parameters"),
          ("createdAt", "created_at"), ("updatedAt", "updated_at"))
_SAVED_REPLAY = (("id", "saved_replay_id"), ("name", "name"), ("websiteId", "website_id"),
                 ("visitId", "visit_id"), ("createdAt", "created_at"),
                 ("updatedAt", "updated_at"))


def user(row: dict[str, Any]) -> dict[str, Any]:
    return _shape(row, _USER)


def user_admin(row: dict[str, Any]) -> dict[str, Any]:
    return _shape(row, _USER_ADMIN)


def team(row: dict[str, Any]) -> dict[str, Any]:
    return _shape(row, _TEAM)


def team_user(row: dict[str, Any]) -> dict[str, Any]:
    return _shape(row, _TEAM_USER)


def website(row: dict[str, Any]) -> dict[str, Any]:
    return _shape(row, _WEBSITE)


def link(row: dict[str, Any]) -> dict[str, Any]:
    return _shape(row, _LINK)


def pixel(row: dict[str, Any]) -> dict[str, Any]:
    return _shape(row, _PIXEL)


def board(row: dict[str, Any]) -> dict[str, Any]:
    return _shape(row, _BOARD)


def report(row: dict[str, Any]) -> dict[str, Any]:
    return _shape(row, _REPORT)


def segment(row: dict[str, Any]) -> dict[str, Any]:
    return _shape(row, _SEGMENT)


def share(row: dict[str, Any]) -> dict[str, Any]:
    return _shape(row, _SHARE)


def saved_replay(row: dict[str, Any]) -> dict[str, Any]:
    return _shape(row, _SAVED_REPLAY)


def paged(page: Page, request: PageRequest, data: list[Any],
          order_by: str | None = None) -> dict[str, Any]:
    """Umami's list envelope; `orderBy` and `search` appear only when set."""
    body: dict[str, Any] = {
        "data": data, "count": page.count, "page": request.page, "pageSize": request.page_size,
    }
    if order_by:
        body["orderBy"] = order_by
    if request.search:
        body["search"] = request.search
    return body
