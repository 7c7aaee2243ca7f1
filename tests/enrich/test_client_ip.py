"""Client IP selection and normalization (spec §6.2) and IGNORE_IP (§6.6)."""

from __future__ import annotations

import pytest

from umami_server.enrich.client_ip import IpBlocklist, client_ip_from, normalize_ip

PEER = "198.51.100.99"


def test_configured_header_comes_first_whatever_its_case():
    headers = {"x-my-ip": "203.0.113.1", "true-client-ip": "203.0.113.2"}
    assert client_ip_from(headers, PEER, client_ip_header="X-My-IP") == "203.0.113.1"


def test_empty_configured_header_falls_through():
    headers = {"x-my-ip": "", "cf-connecting-ip": "203.0.113.2"}
    assert client_ip_from(headers, PEER, client_ip_header="x-my-ip") == "203.0.113.2"


@pytest.mark.parametrize(
    ("winner", "loser"),
    [
        ("true-client-ip", "cf-connecting-ip"),
        ("cf-connecting-ip", "fastly-client-ip"),
        ("fastly-client-ip", "x-nf-client-connection-ip"),
        ("x-nf-client-connection-ip", "do-connecting-ip"),
        ("do-connecting-ip", "x-real-ip"),
        ("x-real-ip", "x-appengine-user-ip"),
        ("x-appengine-user-ip", "x-forwarded-for"),
    ],
)
def test_header_order(winner: str, loser: str):
    headers = {loser: "203.0.113.9", winner: "203.0.113.1"}
    assert client_ip_from(headers, PEER) == "203.0.113.1"


def test_forwarded_for_gives_its_first_item_trimmed():
    headers = {"x-forwarded-for": " 203.0.113.7 , 10.0.0.1"}
    assert client_ip_from(headers, PEER) == "203.0.113.7"


def test_forwarded_for_beats_the_socket_peer():
    assert client_ip_from({"x-forwarded-for": "203.0.113.7"}, PEER) == "203.0.113.7"


def test_socket_peer_stands_in_for_a_missing_forwarded_for():
    headers = {"forwarded": "for=203.0.113.5", "x-client-ip": "203.0.113.6"}
    assert client_ip_from(headers, PEER) == PEER


def test_forwarded_for_with_an_empty_first_item_gives_no_ip():
    assert client_ip_from({"x-forwarded-for": " , 203.0.113.7"}, PEER) is None


@pytest.mark.parametrize(
    ("forwarded", "ip"),
    [
        ("for=192.0.2.60;proto=http;by=203.0.113.43", "192.0.2.60"),
        ("for=192.0.2.60:4711", "192.0.2.60"),
        ("for=[2001:db8::1]", "[2001:db8::1]"),
        ('for="[2001:db8::1]:4711"', 'for="[2001:db8::1]:4711"'),  # quoted: whole value, raw
    ],
)
def test_forwarded_header_without_peer(forwarded: str, ip: str):
    assert client_ip_from({"forwarded": forwarded}, None) == ip


def test_last_resort_headers_without_peer():
    assert client_ip_from({"x-cluster-client-ip": "203.0.113.8"}, None) == "203.0.113.8"
    assert client_ip_from({"x-forwarded": "203.0.113.9"}, None) == "203.0.113.9"


def test_no_source_at_all_gives_none():
    assert client_ip_from({}, None) is None


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("203.0.113.1", "203.0.113.1"),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("::ffff:1.2.3.4", "1.2.3.4"),
        ("::ffff:102:304", "1.2.3.4"),
        ("1.2.3.4:5678", "1.2.3.4"),
        ("[2001:db8::1]:443", "[2001:db8::1]"),  # brackets kept, as Umami does
        ("010.1.1.1", "8.1.1.1"),
        ("1.2.3", "1.2.0.3"),
        ("unknown", "unknown"),
        ("1.2.3.4 , 5.6.7.8", "1.2.3.4 , 5.6.7.8"),
    ],
)
def test_normalization(raw: str, normalized: str):
    assert normalize_ip(raw) == normalized
    assert client_ip_from({"x-real-ip": raw}, None) == normalized


# --- IGNORE_IP -------------------------------------------------------------------------------


def test_exact_entries_and_cidrs_block():
    blocklist = IpBlocklist.parse(" 203.0.113.1 , 10.0.0.0/8,2001:db8::/32 ")
    assert blocklist.blocks("203.0.113.1")
    assert blocklist.blocks("10.20.30.40")
    assert blocklist.blocks("2001:db8::42")
    assert not blocklist.blocks("203.0.113.2")
    assert not blocklist.blocks("11.0.0.1")


def test_cidr_matches_only_its_own_family():
    assert not IpBlocklist.parse("10.0.0.0/8").blocks("::ffff:10.0.0.1")


def test_cidr_with_host_bits_is_accepted():
    assert IpBlocklist.parse("10.1.2.3/8").blocks("10.9.9.9")


def test_missing_or_unparseable_ip_never_raises():
    blocklist = IpBlocklist.parse("10.0.0.0/8,unknown")
    assert not blocklist.blocks(None)
    assert not blocklist.blocks("")
    assert not blocklist.blocks("[2001:db8::1]")
    assert blocklist.blocks("unknown")  # exact entries compare as strings


def test_slash_at_the_start_is_not_a_cidr():
    assert IpBlocklist.parse("/8").blocks("/8")


@pytest.mark.parametrize("value", ["10.0.0.0/33", "10.0.0/8x", "foo/8", "2001:db8::/129"])
def test_malformed_cidr_is_refused_at_parse_time(value: str):
    with pytest.raises(ValueError, match="IGNORE_IP"):
        IpBlocklist.parse(value)


@pytest.mark.parametrize("value", [None, "", " , "])
def test_empty_setting_blocks_nothing(value: str | None):
    blocklist = IpBlocklist.parse(value)
    assert not blocklist
    assert not blocklist.blocks("203.0.113.1")
