"""Client IP address from request headers (spec §6.2) and the IGNORE_IP block list (§6.6)."""

from __future__ import annotations

import re
import socket
from collections.abc import Mapping
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

IpAddress = IPv4Address | IPv6Address
IpNetwork = IPv4Network | IPv6Network

# Checked in this order after CLIENT_IP_HEADER; each value is used whole.
_DIRECT_IP_HEADERS = (
    "true-client-ip",
    "cf-connecting-ip",
    "fastly-client-ip",
    "x-nf-client-connection-ip",
    "do-connecting-ip",
    "x-real-ip",
    "x-appengine-user-ip",
)
# Only consulted when neither x-forwarded-for nor a socket peer address is available.
_LAST_RESORT_IP_HEADERS = ("x-client-ip", "x-cluster-client-ip", "x-forwarded")

_FORWARDED_FOR = re.compile(r"for=(\[?[0-9a-fA-F:.]+\]?)")
# Shorthand IPv4 forms (octal, hex, fewer than four parts) that ipaddr.js accepts.
_LEGACY_IPV4 = re.compile(r"(?:0[xX][0-9a-fA-F]*|[0-9]+)(?:\.(?:0[xX][0-9a-fA-F]*|[0-9]+)){0,3}")


# Visitors send many events from one address, so parsing is cached; longer text is no IP.
_CACHEABLE_IP_TEXT_LENGTH = 64


def _parse_ip(text: str) -> IpAddress | None:
    try:
        return ip_address(text)
    except ValueError:
        pass
    if _LEGACY_IPV4.fullmatch(text):
        try:
            return IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    return None


_cached_parse_ip = lru_cache(maxsize=8192)(_parse_ip)


def parse_ip(text: str) -> IpAddress | None:
    """The address written in ``text`` (including shorthand IPv4 forms), or None."""
    if len(text) > _CACHEABLE_IP_TEXT_LENGTH:
        return _parse_ip(text)
    return _cached_parse_ip(text)


def _canonical_text(address: IpAddress) -> str:
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def strip_port(text: str) -> str:
    """``1.2.3.4:5678`` → ``1.2.3.4`` and ``[v6]:443`` → ``[v6]`` (brackets kept)."""
    if text.startswith("["):
        closing = text.find("]")
        if closing != -1:
            return text[: closing + 1]
        return text
    if text.count(":") == 1:
        return text.partition(":")[0]
    return text


def _normalize_ip(text: str) -> str:
    address = parse_ip(text)
    if address is not None:
        return _canonical_text(address)
    without_port = strip_port(text)
    if without_port == text:
        return text
    address = parse_ip(without_port)
    return without_port if address is None else _canonical_text(address)


_cached_normalize_ip = lru_cache(maxsize=8192)(_normalize_ip)


def normalize_ip(text: str) -> str:
    """Canonical text of an IP header value; a port is dropped; anything else is kept raw."""
    if len(text) > _CACHEABLE_IP_TEXT_LENGTH:
        return _normalize_ip(text)
    return _cached_normalize_ip(text)


def _raw_client_ip(
    headers: Mapping[str, str], peer_ip: str | None, client_ip_header: str | None
) -> str | None:
    if client_ip_header:
        value = headers.get(client_ip_header.lower())
        if value:
            return value
    for name in _DIRECT_IP_HEADERS:
        value = headers.get(name)
        if value:
            return value
    forwarded_for = headers.get("x-forwarded-for")
    if forwarded_for:
        return forwarded_for.split(",", 1)[0].strip() or None
    # Umami's server fills a missing x-forwarded-for with the socket peer address.
    if peer_ip:
        return peer_ip
    forwarded = headers.get("forwarded")
    if forwarded:
        match = _FORWARDED_FOR.search(forwarded)
        return match.group(1) if match else forwarded
    for name in _LAST_RESORT_IP_HEADERS:
        value = headers.get(name)
        if value:
            return value
    return None


def client_ip_from(
    headers: Mapping[str, str], peer_ip: str | None, client_ip_header: str | None = None
) -> str | None:
    """The client IP per §6.2, normalized; None when no header or peer gives one.

    ``headers`` has lower-case names; ``client_ip_header`` is the CLIENT_IP_HEADER setting.
    """
    raw = _raw_client_ip(headers, peer_ip, client_ip_header)
    return normalize_ip(raw) if raw else None


class IpBlocklist:
    """IGNORE_IP: exact address strings and CIDR ranges whose visitors are refused."""

    __slots__ = ("_exact", "_networks")

    def __init__(self, exact: frozenset[str], networks: tuple[IpNetwork, ...]) -> None:
        self._exact = exact
        self._networks = networks

    @classmethod
    def parse(cls, value: str | None) -> IpBlocklist:
        """Parse the comma list; raises ValueError on a malformed CIDR entry."""
        exact: set[str] = set()
        networks: list[IpNetwork] = []
        for entry in (value or "").split(","):
            entry = entry.strip()
            if not entry:
                continue
            exact.add(entry)
            # Like Umami, a '/' at position 0 does not make an entry a CIDR.
            if entry.find("/") > 0:
                try:
                    networks.append(ip_network(entry, strict=False))
                except ValueError as error:
                    raise ValueError(
                        f"IGNORE_IP entry {entry!r} is not a valid CIDR: {error}"
                    ) from None
        return cls(frozenset(exact), tuple(networks))

    def __bool__(self) -> bool:
        return bool(self._exact)

    def blocks(self, ip: str | None) -> bool:
        """True when ``ip`` equals an entry or lies in a CIDR of the same family; never raises."""
        if not ip:
            return False
        if ip in self._exact:
            return True
        if not self._networks:
            return False
        address = parse_ip(ip)
        if address is None:
            return False
        # Membership is false across families, as in Umami's kind() comparison.
        return any(address in network for network in self._networks)


def account_client_ip(
    headers: Mapping[str, str], peer_ip: str | None, client_ip_header: str | None = None
) -> str | None:
    """The client address for what protects accounts (login limits), normalized.

    Unlike collection, which reads every header of §6.2 as Umami does, this trusts a header only
    when CLIENT_IP_HEADER names it, i.e. a proxy in front sets it; else the socket peer. A list
    (X-Forwarded-For) gives its last entry: the one that proxy added, not what the client sent.
    """
    value = headers.get(client_ip_header.lower()) if client_ip_header else None
    if value:
        raw = value.rsplit(",", 1)[-1].strip()
        if raw:
            return normalize_ip(raw)
    return normalize_ip(peer_ip) if peer_ip else None
