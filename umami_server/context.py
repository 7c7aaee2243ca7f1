"""What route modules get from the app: settings, the store, the server secret, the source cache."""

from __future__ import annotations

from dataclasses import dataclass, field

from umami_server.auth.rate_limit import LoginLimiter
from umami_server.collect.sources import SourceDirectory
from umami_server.config import Settings
from umami_server.storage.interface import Store


@dataclass(frozen=True, slots=True)
class ServerContext:
    settings: Settings
    store: Store
    # The resolved APP_SECRET (or the generated one kept in the data directory).
    secret: str
    # Cached website/pixel/link lookups of the collection path; forget entries on change.
    sources: SourceDirectory
    # One for the API and the dashboard's login form, so neither door adds attempts.
    login_limiter: LoginLimiter = field(default_factory=LoginLimiter)
