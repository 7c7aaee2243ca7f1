"""Who is asking: the authenticated user and/or the share token a request carries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class AuthUser:
    id: str
    username: str
    role: str
    created_at: datetime | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> AuthUser:
        return cls(row["user_id"], row["username"], row["role"], row["created_at"])


@dataclass(frozen=True, slots=True)
class Auth:
    """Umami's auth context: the raw bearer token, the user (or None) and the share payload."""

    token: str | None
    user: AuthUser | None
    share: dict[str, Any] | None

    def shares(self, entity_id: str) -> bool:
        """Whether the share token grants view access to this website, link, pixel or board."""
        share = self.share
        if not share:
            return False
        for key in ("websiteId", "pixelId", "linkId", "boardId"):
            if share.get(key) == entity_id:
                return True
        return any(
            entity_id in (share.get(key) or []) for key in ("websiteIds", "pixelIds", "linkIds")
        )
