"""Session ids, visit ids and the `x-umami-cache` token, derived exactly as Umami derives them."""

from __future__ import annotations

import hashlib
import os
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from zoneinfo import ZoneInfo

import jwt
import orjson
from jwt.algorithms import HMACAlgorithm
from jwt.utils import base64url_encode

VISIT_LIFETIME_SECONDS = 1800
_TOKEN_HEADER = base64url_encode(b'{"alg":"HS256","typ":"JWT"}')
_ACCEPTED_TOKEN_ALGORITHMS = ["HS256", "HS384", "HS512"]


def _uuid_text(raw: bytes) -> str:
    hexed = raw.hex()
    return f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:32]}"


_DNS_NAMESPACE = uuid.NAMESPACE_DNS.bytes


def uuid5_text(name: str, namespace: bytes = _DNS_NAMESPACE) -> str:
    """Same value as str(uuid.uuid5(UUID(bytes=namespace), name)), without UUID objects."""
    digest = bytearray(hashlib.sha1(namespace + name.encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    return _uuid_text(bytes(digest))


class _RandomBytes:
    """os.urandom drawn 4 KiB at a time: one system call per 256 ids instead of one per id."""

    def __init__(self, chunk: int = 4096):
        self._chunk = chunk
        self._buffer = b""
        self._offset = 0
        self._lock = threading.Lock()

    def take16(self) -> bytes:
        with self._lock:
            if self._offset + 16 > len(self._buffer):
                self._buffer = os.urandom(self._chunk)
                self._offset = 0
            start = self._offset
            self._offset = start + 16
            return self._buffer[start : start + 16]


_random_bytes = _RandomBytes()


def random_uuid_text() -> str:
    """A random (version 4) UUID as text; the hot path makes one per stored row."""
    raw = bytearray(_random_bytes.take16())
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    return _uuid_text(bytes(raw))


def sha512_hex(*parts: str | None) -> str:
    """Lower-case hex SHA-512 of the parts joined without separator; None counts as empty."""
    return hashlib.sha512("".join([part or "" for part in parts]).encode("utf-8")).hexdigest()


def http_date(moment: datetime) -> str:
    """The instant in RFC 1123 form, as JavaScript's toUTCString prints it."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


@dataclass(frozen=True, slots=True)
class VisitorIdentity:
    session_id: str
    visit_id: str
    visit_started_at: int  # unix seconds; the token's `iat`


@dataclass(frozen=True, slots=True)
class CacheToken:
    website_id: str | None
    session_id: str | None
    visit_id: str | None
    issued_at: int | None


class IdentityDeriver:
    """Derives the deterministic ids of §2 from the server secret and the salt settings."""

    def __init__(self, app_secret: str, salt_rotation: str = "month", zone: ZoneInfo | None = None):
        self.secret = sha512_hex(app_secret)
        self._token_key = self.secret.encode("ascii")
        self._signer = HMACAlgorithm(HMACAlgorithm.SHA256)
        self._signing_key = self._signer.prepare_key(self._token_key)
        self._rotation = salt_rotation
        self._zone = zone or ZoneInfo("UTC")
        self._salt_cache: dict[tuple[str, int], str] = {}

    def stable_uuid(self, *parts: str | None) -> str:
        return uuid5_text(sha512_hex(*parts, self.secret))

    def _period_start(self, moment: datetime, period: str) -> datetime:
        local = moment.astimezone(self._zone)
        if period == "hour":
            return local.replace(minute=0, second=0, microsecond=0)
        day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        if period == "day":
            return day_start
        if period == "week":
            # Weeks start on Sunday; Python counts Monday as weekday 0.
            return day_start - timedelta(days=(local.weekday() + 1) % 7)
        return day_start.replace(day=1)

    def _salt(self, moment: datetime, period: str) -> str:
        # Salts change once per period, so cache them per quarter hour (every zone offset is a
        # multiple of 15 minutes) to keep
        # date arithmetic and SHA-512 off the per-event path.
        key = (period, int(moment.timestamp()) // 900)
        salt = self._salt_cache.get(key)
        if salt is None:
            if len(self._salt_cache) > 4096:
                self._salt_cache.clear()
            salt = sha512_hex(http_date(self._period_start(moment, period)))
            self._salt_cache[key] = salt
        return salt

    def session_id(
        self,
        source_id: str,
        created_at: datetime,
        ip: str | None,
        user_agent: str | None,
        distinct_id: str | None = None,
    ) -> str:
        if distinct_id:
            return self.stable_uuid(source_id, distinct_id)
        return self.stable_uuid(source_id, ip, user_agent, self._salt(created_at, self._rotation))

    def visit_id(self, session_id: str, created_at: datetime) -> str:
        return self.stable_uuid(session_id, self._salt(created_at, "hour"))

    def identify(
        self,
        session_id: str,
        created_at: datetime,
        now: int,
        token: CacheToken | None,
        backdated: bool,
    ) -> VisitorIdentity:
        """Visit id and start per the 30-minute rule: a visit lasts 30 minutes from its start."""
        visit_id = (token.visit_id if token else None) or self.visit_id(session_id, created_at)
        started = (token.issued_at if token else None) or now
        if not backdated and now - started > VISIT_LIFETIME_SECONDS:
            visit_id = self.visit_id(session_id, created_at)
            started = now
        return VisitorIdentity(session_id, visit_id, started)

    def issue_token(self, website_id: str | None, identity: VisitorIdentity) -> str:
        """The HS256 token Umami issues, byte for byte (claim order matters to match it)."""
        claims: dict[str, object] = {}
        if website_id:
            claims["websiteId"] = website_id
        claims["sessionId"] = identity.session_id
        claims["visitId"] = identity.visit_id
        claims["iat"] = identity.visit_started_at
        # jwt.encode costs ~70 µs per call on this path; the header never changes, so only the
        # claims are encoded here and signed with PyJWT's own HMAC implementation.
        signing_input = _TOKEN_HEADER + b"." + base64url_encode(orjson.dumps(claims))
        signature = self._signer.sign(signing_input, self._signing_key)
        return (signing_input + b"." + base64url_encode(signature)).decode("ascii")

    def read_token(self, token: str | None) -> CacheToken | None:
        """The verified token, or None for anything that does not verify (treated as absent)."""
        if not token:
            return None
        try:
            claims = jwt.decode(
                token,
                self._token_key,
                algorithms=_ACCEPTED_TOKEN_ALGORITHMS,
                options={"verify_iat": False, "verify_aud": False, "verify_iss": False},
            )
        except jwt.PyJWTError:
            return None
        if not isinstance(claims, dict):
            return None

        def text(name: str) -> str | None:
            value = claims.get(name)
            return value if isinstance(value, str) and value else None

        issued = claims.get("iat")
        return CacheToken(
            website_id=text("websiteId"),
            session_id=text("sessionId"),
            visit_id=text("visitId"),
            issued_at=int(issued) if isinstance(issued, int | float) and issued else None,
        )
