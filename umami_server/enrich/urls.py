"""Page URL, referrer and title fields derived with WHATWG URL semantics (spec §3.2–§3.5, §4.2)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from ada_url import URL

# The binding's URL class dispatches every attribute read through __getattr__ (about 4 µs
# each); calling the C functions directly halves the cost of a parse on the hot path.
from ada_url._ada_wrapper import ffi, lib

STORED_TEXT_LIMIT = 500
CAMPAIGN_VALUE_LIMIT = 255
VALIDATION_BASE = "https://localhost"

# Longer inputs are parsed without caching so that huge payloads cannot pin memory.
_CACHEABLE_URL_LENGTH = 2048

_ESCAPE_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
# decodeURI leaves escapes of ; / ? : @ & = + $ , # encoded.
_RESERVED_ESCAPE = re.compile(r"%(?:2[346BbCcFf]|3[AaBbDdFf]|40)")
_TRAILING_SLASH = re.compile(r"/(?=(?:#.*)?\Z)", re.DOTALL)
# Umami's page-host pattern has an unescaped dot, so "www2.example.com" loses "www2".
_PAGE_HOST_WWW = re.compile(r"^www.", re.DOTALL)
_REFERRER_HOST_WWW = re.compile(r"^www\.")

_CAMPAIGN_KEYS = (
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_content",
    "utm_term",
    "gclid",
    "fbclid",
    "msclkid",
    "ttclid",
    "twclid",
    "li_fat_id",
)
_CAMPAIGN_KEY_SET = frozenset(_CAMPAIGN_KEYS)


class InvalidHostname(ValueError):
    """The payload hostname cannot form the base URL ``https://{hostname}``."""


@dataclass(frozen=True, slots=True)
class PageLocation:
    url_path: str
    url_query: str | None
    hostname: str | None
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    utm_content: str | None = None
    utm_term: str | None = None
    gclid: str | None = None
    fbclid: str | None = None
    msclkid: str | None = None
    ttclid: str | None = None
    twclid: str | None = None
    li_fat_id: str | None = None


@dataclass(frozen=True, slots=True)
class ReferrerLocation:
    path: str | None
    query: str | None
    domain: str | None


NO_REFERRER = ReferrerLocation(path=None, query=None, domain=None)


@dataclass(frozen=True, slots=True)
class _UrlParts:
    pathname: str
    search: str
    hash: str
    hostname: str


def _to_scalar_values(text: str) -> str:
    """Replace lone surrogates by U+FFFD, as JavaScript does when a string becomes a URL."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _utf8(text: str) -> bytes:
    try:
        return text.encode()
    except UnicodeEncodeError:
        return _to_scalar_values(text).encode()


def _read(getter: Callable[[Any], Any], handle: Any) -> str:
    value = getter(handle)
    return ffi.unpack(value.data, value.length).decode() if value.length else ""


def _parse_with_base(url: str, base: str) -> _UrlParts | None:
    url_bytes = _utf8(url)
    base_bytes = base.encode()
    handle = lib.ada_parse_with_base(url_bytes, len(url_bytes), base_bytes, len(base_bytes))
    try:
        if not lib.ada_is_valid(handle):
            return None
        return _UrlParts(
            pathname=_read(lib.ada_get_pathname, handle),
            search=_read(lib.ada_get_search, handle),
            hash=_read(lib.ada_get_hash, handle),
            hostname=_read(lib.ada_get_hostname, handle),
        )
    finally:
        lib.ada_free(handle)


@lru_cache(maxsize=1024)
def _base_url(hostname: str | None) -> str:
    if not hostname:
        return VALIDATION_BASE
    base = _to_scalar_values(f"https://{hostname}")
    if not URL.can_parse(base):
        raise InvalidHostname(f"hostname {hostname!r} does not form a valid URL")
    return base


def _parse_against(url: str, hostname: str | None) -> _UrlParts:
    parts = _parse_with_base(url, _base_url(hostname))
    if parts is None:
        # Only reachable when the caller skipped is_valid_url; Umami answers 500 here.
        raise ValueError(f"url {url[:100]!r} cannot be parsed")
    return parts


def _is_valid_url(value: str) -> bool:
    return bool(URL.can_parse(_to_scalar_values(value), VALIDATION_BASE))


_cached_is_valid_url = lru_cache(maxsize=8192)(_is_valid_url)


def is_valid_url(value: str) -> bool:
    """The §1.1 rule for ``url`` and ``referrer``: parses relative to ``https://localhost``."""
    # Pages and referrers repeat across visitors, so the verdict is cached for usual lengths.
    if len(value) > _CACHEABLE_URL_LENGTH:
        return _is_valid_url(value)
    return _cached_is_valid_url(value)


def _decode_escape_run(run: str, keep_reserved: bool) -> str:
    if not keep_reserved:
        return bytes.fromhex(run.replace("%", "")).decode("utf-8")
    pieces: list[str] = []
    position = 0
    # Every '%' in a run starts a three-character escape, so matches are always aligned.
    for reserved in _RESERVED_ESCAPE.finditer(run):
        start = reserved.start()
        if start > position:
            pieces.append(bytes.fromhex(run[position:start].replace("%", "")).decode("utf-8"))
        pieces.append(reserved.group())
        position = reserved.end()
    if position < len(run):
        pieces.append(bytes.fromhex(run[position:].replace("%", "")).decode("utf-8"))
    return "".join(pieces)


def _decode_percent(value: str, keep_reserved: bool) -> str:
    if "%" not in value:
        return value
    pieces: list[str] = []
    position = 0
    for run in _ESCAPE_RUN.finditer(value):
        literal = value[position : run.start()]
        if "%" in literal:
            return value
        pieces.append(literal)
        try:
            pieces.append(_decode_escape_run(run.group(), keep_reserved))
        except UnicodeDecodeError:
            return value
        position = run.end()
    tail = value[position:]
    if "%" in tail:
        return value
    pieces.append(tail)
    return "".join(pieces)


def decode_uri(value: str) -> str:
    """JavaScript ``decodeURI``; a malformed escape leaves the whole string unchanged."""
    return _decode_percent(value, keep_reserved=True)


def decode_uri_component(value: str) -> str:
    """JavaScript ``decodeURIComponent``; a malformed escape leaves the whole string unchanged."""
    return _decode_percent(value, keep_reserved=False)


def page_title(title: str | None) -> str | None:
    """The stored ``page_title``: decodeURIComponent, then at most 500 characters (§3.5)."""
    if title is None:
        return None
    return decode_uri_component(title)[:STORED_TEXT_LIMIT]


def _form_decode(text: str) -> str:
    # application/x-www-form-urlencoded: '+' is a space, escapes are UTF-8 with U+FFFD repair.
    if "+" in text:
        text = text.replace("+", " ")
    return unquote(text, errors="replace") if "%" in text else text


def _campaign_parameters(search: str) -> dict[str, str]:
    """First occurrence of each UTM key and click id, with URLSearchParams semantics."""
    found: dict[str, str] = {}
    for pair in search.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        if "%" in name or "+" in name:
            name = _form_decode(name)
        if name in _CAMPAIGN_KEY_SET and name not in found:
            found[name] = _form_decode(value)[:CAMPAIGN_VALUE_LIMIT]
    return found


def _page_location(
    url: str | None, hostname: str | None, remove_trailing_slash: bool
) -> PageLocation:
    parts = _parse_against("undefined" if url is None else url, hostname)
    url_path = "" if parts.pathname == "/undefined" else parts.pathname + parts.hash
    if remove_trailing_slash:
        url_path = _TRAILING_SLASH.sub("", url_path, count=1)
    url_path = decode_uri(url_path)[:STORED_TEXT_LIMIT]

    query = parts.search[1:]
    if hostname:
        stored_hostname: str | None = hostname
    else:
        stored_hostname = _PAGE_HOST_WWW.sub("", parts.hostname, count=1) or None
    campaign = _campaign_parameters(query) if query else {}
    return PageLocation(
        url_path=url_path,
        url_query=query[:STORED_TEXT_LIMIT] or None,
        hostname=stored_hostname,
        **campaign,
    )


_cached_page_location = lru_cache(maxsize=8192)(_page_location)


def parse_page_url(
    url: str | None, hostname: str | None, remove_trailing_slash: bool
) -> PageLocation:
    """Page fields of an event (§3.2, §3.4, §3.5).

    ``url`` None means the payload had no url (Umami parses the literal "undefined").
    An empty query is returned as None. Raises InvalidHostname for an unusable hostname.
    """
    if url is not None and len(url) > _CACHEABLE_URL_LENGTH:
        return _page_location(url, hostname, remove_trailing_slash)
    return _cached_page_location(url, hostname, remove_trailing_slash)


def _referrer_location(referrer: str, hostname: str | None) -> ReferrerLocation:
    parts = _parse_against(referrer, hostname)
    domain = _REFERRER_HOST_WWW.sub("", parts.hostname, count=1)
    return ReferrerLocation(
        path=decode_uri(parts.pathname)[:STORED_TEXT_LIMIT] or None,
        query=parts.search[1 : STORED_TEXT_LIMIT + 1] or None,
        domain=domain[:STORED_TEXT_LIMIT] or None,
    )


_cached_referrer_location = lru_cache(maxsize=8192)(_referrer_location)


def parse_referrer(referrer: str | None, hostname: str | None) -> ReferrerLocation:
    """Referrer fields (§3.3); each is None when empty. Raises InvalidHostname like the page."""
    if not referrer:
        return NO_REFERRER
    if len(referrer) > _CACHEABLE_URL_LENGTH:
        return _referrer_location(referrer, hostname)
    return _cached_referrer_location(referrer, hostname)


def performance_path(url: str | None, hostname: str | None) -> str:
    """``url_path`` of a performance beacon (§4.2): pathname only, not decoded."""
    parts = _parse_against("undefined" if url is None else url, hostname)
    if parts.pathname == "/undefined":
        return ""
    return parts.pathname[:STORED_TEXT_LIMIT]
