"""What API handlers share: the store, tokens, the login limiter, and small request helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from umami_server.api.transport import unauthorized
from umami_server.api.validation import PageQuery
from umami_server.auth.rate_limit import LoginLimiter
from umami_server.auth.tokens import TokenService
from umami_server.context import ServerContext
from umami_server.storage.interface import EventStore
from umami_server.storage.metadata_store import MetadataStore, PageRequest

# Columns an `orderBy` query may name (camelCase wire name -> column).
ORDERABLE = {"name": "name", "domain": "domain", "createdAt": "created_at",
             "updatedAt": "updated_at", "username": "username", "slug": "slug", "url": "url"}


_LARGEST_PAGE = 2**31


@dataclass(frozen=True, slots=True)
class ApiServices:
    context: ServerContext
    tokens: TokenService
    limiter: LoginLimiter

    @classmethod
    def build(cls, context: ServerContext) -> ApiServices:
        store = context.store.metadata
        days = context.settings.token_lifetime_days
        lifetime = timedelta(days=days) if days else None
        tokens = TokenService(store, context.secret, lifetime)
        return cls(context, tokens, context.login_limiter)

    @property
    def store(self) -> MetadataStore:
        return self.context.store.metadata

    @property
    def events(self) -> EventStore:
        return self.context.store.events


def require(allowed: bool, message: str = "Unauthorized") -> None:
    """Umami answers every failed permission check with 401."""
    if not allowed:
        raise unauthorized(message)


def page_request(query: PageQuery) -> PageRequest:
    search = getattr(query, "search", None) or None
    order = getattr(query, "orderBy", None)
    descending = getattr(query, "sortDescending", None)
    return PageRequest(
        # Beyond these no page has rows; clamping keeps every number within 64 bits.
        page=min(int(query.page), _LARGEST_PAGE),
        page_size=min(int(query.pageSize), _LARGEST_PAGE),
        search=search,
        order_by=ORDERABLE.get(order) if order else None,
        descending=descending not in (None, "", "false", "0"),
    )


def order_label(query: Any, default: str | None = None) -> str | None:
    order = getattr(query, "orderBy", None)
    return order if order in ORDERABLE else default
