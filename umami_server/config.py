"""Every setting of the server in one typed object, fed by environment variables and CLI flags."""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_DATA_DIR = "./data"
SECRET_FILE_NAME = "app-secret"

# Environment variables this server reads, with a one-line meaning. The README documents each one;
# a test keeps the two in step.
ENVIRONMENT_VARIABLES: dict[str, str] = {
    "APP_SECRET": "secret seed for session ids and tokens; DATABASE_URL when unset, else generated "
                  "into the data dir",
    "DATABASE_URL": "postgresql:// URL: keep everything in PostgreSQL on Umami's schema "
                    "(an empty or an Umami 3.1 database) instead of the embedded store",
    "UMAMI_DATA_DIR": "data directory of the embedded store (default ./data)",
    "UMAMI_ADMIN_PASSWORD": "password of the first `admin` account, created on first start",
    "HOST": "address to listen on (default 127.0.0.1)",
    "PORT": "port to listen on (default 3000)",
    "BASE_PATH": "URL prefix under which every route is served",
    "COLLECT_API_ENDPOINT": "extra path that works like /api/send (e.g. /api/collect)",
    "TRACKER_SCRIPT_NAME": "comma-separated extra names for the tracker script",
    "IGNORE_IP": "comma-separated IPs or CIDR ranges whose hits are refused with 403",
    "DISABLE_BOT_CHECK": "any non-empty value stores hits from bots too",
    "CLIENT_IP_HEADER": "header checked first for the client IP; the only one login limits trust",
    "SKIP_LOCATION_HEADERS": "any non-empty value ignores CDN geo headers",
    "GEOLITE_DB_PATH": "path to a city MMDB file (GeoLite2-City or DB-IP City Lite)",
    "SALT_ROTATION": "how often anonymous session ids rotate: day, week or month (default)",
    "SALT_TIMEZONE": "time zone in which salt periods start (default UTC)",
    "REMOVE_TRAILING_SLASH": "any non-empty value strips one trailing slash from page paths",
    "CORS_MAX_AGE": "Access-Control-Max-Age for /api responses (default 86400)",
    "FORCE_SSL": "any non-empty value adds a Strict-Transport-Security header",
    "ALLOWED_FRAME_URLS": "extra origins allowed to frame the dashboard",
    "DUCKDB_MEMORY_LIMIT": "memory limit of the embedded analytics database (default 1GB)",
    "DUCKDB_THREADS": "threads of the embedded analytics database (default: CPU count)",
    "UMAMI_INGEST_QUEUE": "requests that may wait for the disk before more get 503 (default 20000)",
    "UMAMI_COPY_INTERVAL_MS": "how often logged events are copied into DuckDB (default 500)",
    "UMAMI_QUERY_TIMEOUT_SECONDS": "longest an analytics query may run on PostgreSQL (default 60)",
    "UMAMI_TOKEN_LIFETIME_DAYS": "login token lifetime in days; 0 = until revoked (default 365)",
    "PRIVATE_MODE": "reported by /api/config as privateMode",
    "DISABLE_TELEMETRY": "reported by /api/config as telemetryDisabled",
    "DISABLE_UPDATES": "reported by /api/config as updatesDisabled",
    "FAVICON_URL": "reported by /api/config as faviconUrl",
    "LINKS_URL": "reported by /api/config as linksUrl",
    "PIXELS_URL": "reported by /api/config as pixelsUrl",
}


class ConfigError(ValueError):
    """A setting has a value the server cannot run with; the message says which and why."""


def _flag(value: str | None) -> bool:
    # Umami treats any non-empty string as "on", including "0" and "false".
    return bool(value)


def _split_list(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def _int_setting(env: dict[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as error:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from error
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _token_lifetime_days(raw: str | None) -> float:
    if not raw or not raw.strip():
        return 365.0
    try:
        days = float(raw)
    except ValueError as error:
        raise ConfigError(f"UMAMI_TOKEN_LIFETIME_DAYS must be a number, got {raw!r}") from error
    if days < 0:
        raise ConfigError("UMAMI_TOKEN_LIFETIME_DAYS must not be negative")
    return days


def _normalize_path(path: str) -> str:
    path = path.strip()
    if not path:
        return ""
    return "/" + path.strip("/")


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str | None = None
    query_timeout_seconds: int = 60
    host: str = "127.0.0.1"
    port: int = 3000
    app_secret: str | None = None
    admin_password: str | None = None
    base_path: str = ""
    collect_api_endpoint: str | None = None
    tracker_script_names: tuple[str, ...] = ()
    ignore_ip: str = ""
    disable_bot_check: bool = False
    client_ip_header: str | None = None
    skip_location_headers: bool = False
    geolite_db_path: str | None = None
    salt_rotation: str = "month"
    salt_timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    remove_trailing_slash: bool = False
    cors_max_age: int = 86400
    force_ssl: bool = False
    allowed_frame_urls: str = ""
    duckdb_memory_limit: str = "1GB"
    duckdb_threads: int = field(default_factory=lambda: os.cpu_count() or 1)
    ingest_queue_size: int = 20000
    copy_interval_ms: int = 500
    token_lifetime_days: float = 365.0
    private_mode: bool = False
    disable_telemetry: bool = False
    disable_updates: bool = False
    favicon_url: str | None = None
    links_url: str | None = None
    pixels_url: str | None = None

    @classmethod
    def from_environment(
        cls,
        env: dict[str, str] | None = None,
        *,
        data_dir: str | None = None,
        host: str | None = None,
        port: int | None = None,
    ) -> Settings:
        """Read settings from `env` (default: the process environment); CLI flags win."""
        env = dict(os.environ if env is None else env)
        rotation = (env.get("SALT_ROTATION") or "month").lower()
        zone_name = env.get("SALT_TIMEZONE") or "UTC"
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ConfigError(f"SALT_TIMEZONE {zone_name!r} is not a known time zone") from error
        endpoint = _normalize_path(env.get("COLLECT_API_ENDPOINT") or "")
        names = tuple(_normalize_path(name) for name in _split_list(env.get("TRACKER_SCRIPT_NAME")))
        return cls(
            data_dir=Path(data_dir or env.get("UMAMI_DATA_DIR") or DEFAULT_DATA_DIR),
            database_url=env.get("DATABASE_URL") or None,
            query_timeout_seconds=_int_setting(env, "UMAMI_QUERY_TIMEOUT_SECONDS", 60),
            host=host or env.get("HOST") or "127.0.0.1",
            port=port if port is not None else _int_setting(env, "PORT", 3000, minimum=0),
            app_secret=env.get("APP_SECRET") or None,
            admin_password=env.get("UMAMI_ADMIN_PASSWORD") or None,
            base_path=_normalize_path(env.get("BASE_PATH") or ""),
            collect_api_endpoint=endpoint or None,
            tracker_script_names=names,
            ignore_ip=env.get("IGNORE_IP") or "",
            disable_bot_check=_flag(env.get("DISABLE_BOT_CHECK")),
            client_ip_header=(env.get("CLIENT_IP_HEADER") or "").strip().lower() or None,
            skip_location_headers=_flag(env.get("SKIP_LOCATION_HEADERS")),
            geolite_db_path=env.get("GEOLITE_DB_PATH") or None,
            salt_rotation=rotation if rotation in ("day", "week") else "month",
            salt_timezone=zone,
            remove_trailing_slash=_flag(env.get("REMOVE_TRAILING_SLASH")),
            cors_max_age=_int_setting(env, "CORS_MAX_AGE", 86400, minimum=0),
            force_ssl=_flag(env.get("FORCE_SSL")),
            allowed_frame_urls=env.get("ALLOWED_FRAME_URLS") or "",
            duckdb_memory_limit=env.get("DUCKDB_MEMORY_LIMIT") or "1GB",
            duckdb_threads=_int_setting(env, "DUCKDB_THREADS", os.cpu_count() or 1),
            ingest_queue_size=_int_setting(env, "UMAMI_INGEST_QUEUE", 20000),
            copy_interval_ms=_int_setting(env, "UMAMI_COPY_INTERVAL_MS", 500),
            token_lifetime_days=_token_lifetime_days(env.get("UMAMI_TOKEN_LIFETIME_DAYS")),
            private_mode=_flag(env.get("PRIVATE_MODE")),
            disable_telemetry=_flag(env.get("DISABLE_TELEMETRY")),
            disable_updates=_flag(env.get("DISABLE_UPDATES")),
            favicon_url=env.get("FAVICON_URL") or None,
            links_url=env.get("LINKS_URL") or None,
            pixels_url=env.get("PIXELS_URL") or None,
        )

    def resolve_secret(self) -> str:
        """APP_SECRET when given, else DATABASE_URL (as Umami does, so ids and tokens match an
        Umami on the same database), else the secret kept in the data directory (created once,
        0600).

        There is deliberately no built-in default: a known secret would let anyone forge tokens.
        """
        if self.app_secret:
            return self.app_secret
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.data_dir / SECRET_FILE_NAME
        if path.exists():
            value = path.read_text(encoding="utf-8").strip()
            if value:
                return value
        value = secrets.token_hex(32)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(value + "\n")
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        return value
