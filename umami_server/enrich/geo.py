"""Visitor location from CDN headers or a MaxMind-format database (spec §6.3)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from ipaddress import IPv4Address, IPv6Address
from typing import Any

import maxminddb

from umami_server.enrich.client_ip import parse_ip
from umami_server.enrich.urls import decode_uri_component

logger = logging.getLogger("umami_server.geo")

_LOOKUP_CACHE_SIZE = 4096

# (country, region, city) header names, in the order Umami checks them.
_PROVIDER_HEADERS = (
    ("cf-ipcountry", "cf-region-code", "cf-ipcity"),  # Cloudflare
    ("x-vercel-ip-country", "x-vercel-ip-country-region", "x-vercel-ip-city"),  # Vercel
    (  # CloudFront
        "cloudfront-viewer-country",
        "cloudfront-viewer-country-region",
        "cloudfront-viewer-city",
    ),
    ("eo-ipcountry", "eo-region-code", "eo-ipcity"),  # EdgeOne
)


@dataclass(frozen=True, slots=True)
class Location:
    country: str | None
    region: str | None
    city: str | None


NO_LOCATION = Location(country=None, region=None, city=None)


def _address_text(ip: str) -> str:
    """``ip`` without a port or the brackets around an IPv6 literal."""
    if ip.startswith("["):
        closing = ip.find("]")
        return ip[1:closing] if closing != -1 else ip
    if ip.count(":") == 1:
        return ip.partition(":")[0]
    return ip


def _is_local_ipv4(address: IPv4Address) -> bool:
    first, second, third, _ = address.packed
    return (
        first in (10, 127)
        or (first == 169 and second == 254 and 1 <= third <= 254)
        or (first == 172 and 16 <= second <= 31)
        or (first == 192 and second == 168)
        or address.is_unspecified
    )


def is_local_address(ip: str) -> bool:
    """Private, loopback, link-local, ULA or unspecified addresses, also ``::ffff:``-mapped.

    100.64.0.0/10 is not local. Shorthand IPv4 (``0177.0.0.1``) counts by its value, as a
    resolver would read it; other text is not local (no DNS lookups are made).
    """
    address = parse_ip(_address_text(ip))
    if address is None:
        return False
    if isinstance(address, IPv6Address):
        if address.ipv4_mapped is not None:
            return _is_local_ipv4(address.ipv4_mapped)
        first_byte = address.packed[0]
        return (
            address.is_loopback
            or address.is_unspecified
            or first_byte & 0xFE == 0xFC  # fc00::/7
            or (first_byte == 0xFE and address.packed[1] & 0xC0 == 0x80)  # fe80::/10
        )
    return _is_local_ipv4(address)


def _header_text(value: str | None) -> str | None:
    """Header text with raw UTF-8 bytes (seen as Latin-1 by the server) restored."""
    if not value:
        return value
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _compose(country: str | None, region: str | None, city: str | None) -> Location:
    if not (country and region):
        region = None
    elif "-" not in region:
        region = f"{country}-{region}"
    return Location(
        country=decode_uri_component(country) if country else None,
        region=decode_uri_component(region) if region else None,
        city=decode_uri_component(city) if city else None,
    )


def _field(record: Mapping[str, Any], *path: str | int) -> Any:
    value: Any = record
    for key in path:
        if isinstance(key, int):
            if not isinstance(value, list) or len(value) <= key:
                return None
        elif not isinstance(value, dict):
            return None
        value = value[key] if isinstance(key, int) else value.get(key)
    return value


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _location_from_record(record: Any) -> Location:
    if not isinstance(record, dict):
        return NO_LOCATION
    if "country_code" in record and "country" not in record:
        # ip-location-db's flat layout: its state names are not ISO codes, so no region.
        return _compose(
            _text_or_none(record.get("country_code")), None, _text_or_none(record.get("city"))
        )
    country = _field(record, "country", "iso_code")
    if country is None:
        country = _field(record, "registered_country", "iso_code")
    return _compose(
        _text_or_none(country),
        _text_or_none(_field(record, "subdivisions", 0, "iso_code")),
        _text_or_none(_field(record, "city", "names", "en")),
    )


class GeoLocator:
    """Locates visitors; a missing or unreadable database only disables the lookup step."""

    def __init__(self, mmdb_path: str | None, skip_location_headers: bool = False) -> None:
        self._skip_location_headers = skip_location_headers
        self._reader: maxminddb.Reader | None = None
        self._lookup_failure_logged = False
        self._lock = threading.Lock()
        if mmdb_path:
            try:
                self._reader = maxminddb.open_database(mmdb_path, maxminddb.MODE_AUTO)
            except (OSError, ValueError, RuntimeError) as error:
                logger.warning(
                    "Geo database %s could not be opened (%s); locations will come only "
                    "from CDN headers",
                    mmdb_path,
                    error,
                )
        self._cached_lookup = lru_cache(maxsize=_LOOKUP_CACHE_SIZE)(self._lookup)

    @property
    def has_database(self) -> bool:
        return self._reader is not None

    def close(self) -> None:
        with self._lock:
            reader, self._reader = self._reader, None
        self._cached_lookup.cache_clear()
        if reader is not None:
            reader.close()

    def locate(self, ip: str | None, headers: Mapping[str, str], ip_from_payload: bool) -> Location:
        """Location of ``ip``; CDN headers are trusted unless the IP came from the payload."""
        if not ip or is_local_address(ip):
            return NO_LOCATION
        if not ip_from_payload and not self._skip_location_headers:
            for country_header, region_header, city_header in _PROVIDER_HEADERS:
                country = headers.get(country_header)
                if country:
                    return _compose(
                        _header_text(country),
                        _header_text(headers.get(region_header)),
                        _header_text(headers.get(city_header)),
                    )
        if self._reader is None:
            return NO_LOCATION
        return self._cached_lookup(_address_text(ip))

    def _lookup(self, address: str) -> Location:
        reader = self._reader
        if reader is None:
            return NO_LOCATION
        try:
            record = reader.get(address)
        except ValueError:
            # Not an IP address, or an IPv6 address in an IPv4-only database.
            return NO_LOCATION
        except maxminddb.InvalidDatabaseError as error:
            with self._lock:
                first_failure = not self._lookup_failure_logged
                self._lookup_failure_logged = True
            if first_failure:
                logger.warning("Geo database lookup failed (%s); treating as no location", error)
            return NO_LOCATION
        return _location_from_record(record)
