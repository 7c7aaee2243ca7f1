"""Serves the tracker at /script.js and its aliases, compressed once at start-up, with ETags."""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from umami_server.collect.endpoints import Receive, Scope, Send
from umami_server.config import Settings

try:
    import brotli
except ImportError:  # brotli is an optional speed-up for clients; gzip is always there
    brotli = None  # type: ignore[assignment]

BUILD = Path(__file__).with_name("tracker.min.js")
DEFAULT_PATH = "/script.js"

# The literals tracker.js keeps for the server to rewrite (see the comment above its `endpoint`).
_ENDPOINT_LITERAL = '"/api/send"'
_SCRIPT_FOLDER_LITERAL = '"./"'

# Umami's headers for its script paths; the ETag makes the daily revalidation a cheap 304.
_CACHE_CONTROL = b"public, max-age=86400, must-revalidate"
_ALLOW = b"GET, HEAD"


@dataclass(frozen=True, slots=True)
class _Encoded:
    body: bytes
    encoding: bytes | None
    etag: bytes


class _Variant:
    """One script text in every encoding this server offers."""

    def __init__(self, text: str):
        plain = text.encode()
        tag = hashlib.sha256(plain).hexdigest()[:20]
        self.plain = _Encoded(plain, None, f'"{tag}"'.encode())
        # mtime=0 keeps the gzip bytes (and so caches downstream) identical across restarts.
        self.gzip = _Encoded(gzip.compress(plain, 9, mtime=0), b"gzip", f'"{tag}-gz"'.encode())
        self.brotli = (
            _Encoded(brotli.compress(plain, quality=11), b"br", f'"{tag}-br"'.encode())
            if brotli is not None
            else None
        )
        self.etags = {item.etag for item in (self.plain, self.gzip, self.brotli) if item}

    def pick(self, accept_encoding: str) -> _Encoded:
        accepted = _accepted_encodings(accept_encoding)
        if self.brotli is not None and accepted.get("br", 0) > 0:
            return self.brotli
        if accepted.get("gzip", 0) > 0:
            return self.gzip
        return self.plain


def _accepted_encodings(header: str) -> dict[str, float]:
    """Accept-Encoding as {coding: q}; `*` stands for every coding not named explicitly."""
    weights: dict[str, float] = {}
    for item in header.split(","):
        coding, *parameters = (part.strip() for part in item.split(";"))
        if not coding:
            continue
        weight = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[coding.lower()] = weight
    if "*" in weights:
        for coding in ("br", "gzip"):
            weights.setdefault(coding, weights["*"])
    return weights


def _etag_matches(if_none_match: str, etags: set[bytes]) -> bool:
    if if_none_match.strip() == "*":
        return True
    # Weak comparison, as RFC 9110 asks for If-None-Match; any encoding of this text is current.
    candidates = {tag.strip().removeprefix("W/").encode() for tag in if_none_match.split(",")}
    return bool(candidates & etags)


def script_text(settings: Settings, path: str = DEFAULT_PATH, build: str | None = None) -> str:
    """The tracker as served at `path` under `settings`."""
    text = BUILD.read_text(encoding="utf-8") if build is None else build
    for literal in (_ENDPOINT_LITERAL, _SCRIPT_FOLDER_LITERAL):
        if text.count(literal) != 1:
            raise RuntimeError(f"tracker build must contain {literal} exactly once")
    if settings.collect_api_endpoint:
        text = text.replace(_ENDPOINT_LITERAL, json.dumps(settings.collect_api_endpoint))
    # The script finds the server's root from its own URL: one "../" per folder of its name.
    folders = path.count("/") - 1
    if folders:
        text = text.replace(_SCRIPT_FOLDER_LITERAL, json.dumps("../" * folders))
    return text


class TrackerScript:
    """Raw ASGI handler for GET/HEAD of the tracker script at every configured path."""

    def __init__(self, settings: Settings):
        self.paths: frozenset[str] = frozenset({DEFAULT_PATH, *settings.tracker_script_names})
        build = BUILD.read_text(encoding="utf-8")
        by_text: dict[str, _Variant] = {}
        self._variants: dict[str, _Variant] = {}
        for path in self.paths:
            text = script_text(settings, path, build)
            if text not in by_text:  # aliases at the same folder depth share one variant
                by_text[text] = _Variant(text)
            self._variants[path] = by_text[text]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        if method not in ("GET", "HEAD"):
            await _send(send, 405, [(b"allow", _ALLOW), (b"content-length", b"0")], b"")
            return
        variant = self._variants[scope["path"]]
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1")
            for name, value in scope["headers"]
        }
        chosen = variant.pick(headers.get("accept-encoding", ""))
        common = [
            (b"etag", chosen.etag),
            (b"cache-control", _CACHE_CONTROL),
            (b"vary", b"Accept-Encoding"),
            (b"access-control-allow-origin", b"*"),
        ]
        if _etag_matches(headers.get("if-none-match", ""), variant.etags):
            await _send(send, 304, common, b"")
            return
        content = [
            (b"content-type", b"application/javascript; charset=utf-8"),
            (b"content-length", str(len(chosen.body)).encode()),
        ]
        if chosen.encoding:
            content.append((b"content-encoding", chosen.encoding))
        await _send(send, 200, common + content, chosen.body if method == "GET" else b"")


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
