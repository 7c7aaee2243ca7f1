"""Geolocation from CDN headers and a MaxMind-format database (spec §6.3)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from umami_server.enrich.geo import NO_LOCATION, GeoLocator, Location, is_local_address

LONDON_IP = "81.2.69.160"
CALIFORNIA_IP = "216.160.83.56"
REGISTERED_ONLY_IP = "202.196.224.1"
FLAT_RECORD_IP = "198.51.100.7"
LONDON_IPV6 = "2a02:cf40::1"
UNLISTED_IP = "8.8.8.8"


def city_record(country: str, subdivision: str, city: str) -> dict:
    return {
        "country": {"iso_code": country, "names": {"en": country}},
        "registered_country": {"iso_code": country},
        "subdivisions": [{"iso_code": subdivision, "names": {"en": subdivision}}],
        "city": {"names": {"en": city, "de": city + "-de"}},
    }


@pytest.fixture(scope="module")
def mmdb_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    # An IPv6 database with IPv4 under ::/96, the layout of GeoLite2-City.
    writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-City")
    writer.insert_network(IPSet(["81.2.69.0/24"]), city_record("GB", "ENG", "London"))
    writer.insert_network(IPSet(["216.160.83.0/24"]), city_record("US", "CA", "Milpitas"))
    writer.insert_network(IPSet(["202.196.224.0/20"]), {"registered_country": {"iso_code": "PH"}})
    writer.insert_network(
        IPSet(["198.51.100.0/24"]),
        {"country_code": "NL", "state1": "North Holland", "city": "Amsterdam"},
    )
    writer.insert_network(IPSet(["2a02:cf40::/29"]), city_record("GB", "SCT", "Edinburgh"))
    path = tmp_path_factory.mktemp("geo") / "City.mmdb"
    writer.to_db_file(str(path))
    return str(path)


@pytest.fixture
def locator(mmdb_path: str) -> Iterator[GeoLocator]:
    geo = GeoLocator(mmdb_path)
    yield geo
    geo.close()


def locate(
    geo: GeoLocator, ip: str | None, headers: dict | None = None, from_payload: bool = False
):
    return geo.locate(ip, headers or {}, ip_from_payload=from_payload)


# --- database lookups --------------------------------------------------------------------


def test_city_record(locator: GeoLocator):
    assert locator.has_database
    assert locate(locator, LONDON_IP) == Location("GB", "GB-ENG", "London")


def test_region_is_country_dash_subdivision(locator: GeoLocator):
    assert locate(locator, CALIFORNIA_IP) == Location("US", "US-CA", "Milpitas")


def test_registered_country_is_the_fallback(locator: GeoLocator):
    assert locate(locator, REGISTERED_ONLY_IP) == Location("PH", None, None)


def test_ipv6_lookup(locator: GeoLocator):
    assert locate(locator, LONDON_IPV6) == Location("GB", "GB-SCT", "Edinburgh")


@pytest.mark.parametrize("ip", ["81.2.69.160:443", "[2a02:cf40::1]:443", "[2a02:cf40::1]"])
def test_port_and_brackets_are_stripped_for_the_lookup(locator: GeoLocator, ip: str):
    assert locate(locator, ip).country == "GB"


def test_flat_ip_location_db_records_give_country_and_city(locator: GeoLocator):
    assert locate(locator, FLAT_RECORD_IP) == Location("NL", None, "Amsterdam")


@pytest.mark.parametrize("ip", [UNLISTED_IP, "unknown", "[oops", "1.2.3.4.5", "", None])
def test_unlisted_or_invalid_ip_gives_no_location(locator: GeoLocator, ip: str | None):
    assert locate(locator, ip) == NO_LOCATION


def test_closed_locator_gives_no_location(mmdb_path: str):
    geo = GeoLocator(mmdb_path)
    geo.close()
    assert not geo.has_database
    assert locate(geo, LONDON_IP) == NO_LOCATION


# --- unusable databases ------------------------------------------------------------------


def geo_warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        r for r in caplog.records if r.name == "umami_server.geo" and r.levelno == logging.WARNING
    ]


def test_missing_database_warns_once_and_still_serves(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    with caplog.at_level(logging.WARNING, logger="umami_server.geo"):
        geo = GeoLocator(str(tmp_path / "absent.mmdb"))
        assert not geo.has_database
        assert locate(geo, LONDON_IP) == NO_LOCATION
        assert locate(geo, CALIFORNIA_IP) == NO_LOCATION
        assert locate(geo, LONDON_IP, {"cf-ipcountry": "FR"}).country == "FR"
    assert len(geo_warnings(caplog)) == 1
    assert "absent.mmdb" in geo_warnings(caplog)[0].getMessage()


def test_corrupt_database_warns_and_gives_no_location(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    corrupt = tmp_path / "corrupt.mmdb"
    corrupt.write_bytes(b"\x00garbage, not a MaxMind DB\xff" * 200)
    with caplog.at_level(logging.WARNING, logger="umami_server.geo"):
        geo = GeoLocator(str(corrupt))
        assert locate(geo, LONDON_IP) == NO_LOCATION
    assert not geo.has_database
    assert len(geo_warnings(caplog)) == 1


def test_database_with_a_corrupt_search_tree_warns_once_at_lookup(
    mmdb_path: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    damaged = bytearray(Path(mmdb_path).read_bytes())
    damaged[:200] = b"\xff" * 200  # the search tree; the metadata at the end stays readable
    path = tmp_path / "damaged.mmdb"
    path.write_bytes(damaged)
    with caplog.at_level(logging.WARNING, logger="umami_server.geo"):
        geo = GeoLocator(str(path))
        assert geo.has_database
        assert locate(geo, LONDON_IP) == NO_LOCATION
        assert locate(geo, CALIFORNIA_IP) == NO_LOCATION
    assert len(geo_warnings(caplog)) == 1
    geo.close()


def test_no_database_configured_is_silent(caplog: pytest.LogCaptureFixture):
    with caplog.at_level(logging.WARNING, logger="umami_server.geo"):
        geo = GeoLocator(None)
    assert not geo.has_database
    assert locate(geo, LONDON_IP) == NO_LOCATION
    assert geo_warnings(caplog) == []


# --- local addresses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "ip",
    [
        "10.1.2.3",
        "127.0.0.1",
        "127.9.9.9",
        "169.254.1.1",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "::ffff:192.168.1.1",
        "::ffff:10.0.0.1",
        "::1",
        "0.0.0.0",
        "::",
        "fd12:3456::1",
        "fc00::1",
        "fe80::1",
        "febf::1",
        "[::1]:8080",
        "0177.0.0.1",  # shorthand for 127.0.0.1
    ],
)
def test_local_addresses(ip: str):
    assert is_local_address(ip)


@pytest.mark.parametrize(
    "ip",
    ["100.64.0.1", "169.254.0.1", "169.254.255.1", "172.32.0.1", "8.8.8.8", "fec0::1", "unknown"],
)
def test_public_or_unparseable_addresses(ip: str):
    assert not is_local_address(ip)


def test_local_ip_gets_no_location_even_with_cdn_headers(locator: GeoLocator):
    assert locate(locator, "192.168.0.10", {"cf-ipcountry": "DE"}) == NO_LOCATION


# --- CDN headers -------------------------------------------------------------------------


def test_cloudflare_headers_win_over_the_database(locator: GeoLocator):
    headers = {"cf-ipcountry": "DE", "cf-region-code": "BE", "cf-ipcity": "Berlin"}
    assert locate(locator, LONDON_IP, headers) == Location("DE", "DE-BE", "Berlin")


def test_payload_ip_disables_cdn_headers(locator: GeoLocator):
    headers = {"cf-ipcountry": "DE", "cf-region-code": "BE", "cf-ipcity": "Berlin"}
    assert locate(locator, LONDON_IP, headers, from_payload=True) == Location(
        "GB", "GB-ENG", "London"
    )


def test_skip_location_headers_setting(mmdb_path: str):
    geo = GeoLocator(mmdb_path, skip_location_headers=True)
    assert locate(geo, LONDON_IP, {"cf-ipcountry": "DE"}).country == "GB"
    geo.close()


def test_vercel_city_is_percent_decoded():
    headers = {
        "x-vercel-ip-country": "US",
        "x-vercel-ip-country-region": "CA",
        "x-vercel-ip-city": "San%20Francisco",
    }
    assert locate(GeoLocator(None), UNLISTED_IP, headers) == Location(
        "US", "US-CA", "San Francisco"
    )


def test_first_provider_with_a_country_wins():
    headers = {
        "cf-ipcountry": "",
        "cf-ipcity": "Ignored",
        "cloudfront-viewer-country": "JP",
        "cloudfront-viewer-country-region": "13",
        "cloudfront-viewer-city": "Tokyo",
        "eo-ipcountry": "CN",
    }
    assert locate(GeoLocator(None), UNLISTED_IP, headers) == Location("JP", "JP-13", "Tokyo")


def test_edgeone_headers():
    headers = {"eo-ipcountry": "CN", "eo-region-code": "CN-BJ", "eo-ipcity": "Beijing"}
    assert locate(GeoLocator(None), UNLISTED_IP, headers) == Location("CN", "CN-BJ", "Beijing")


def test_region_needs_both_country_and_region():
    location = locate(GeoLocator(None), UNLISTED_IP, {"cf-ipcountry": "FR", "cf-ipcity": "Paris"})
    assert location == Location("FR", None, "Paris")


def test_raw_utf8_header_bytes_are_honoured():
    latin1_view_of_utf8 = "Zürich".encode().decode("latin-1")
    headers = {"cf-ipcountry": "CH", "cf-region-code": "ZH", "cf-ipcity": latin1_view_of_utf8}
    assert locate(GeoLocator(None), UNLISTED_IP, headers).city == "Zürich"


def test_header_text_that_is_not_utf8_is_kept():
    headers = {"cf-ipcountry": "DE", "cf-ipcity": "M\xfcnchen"}
    assert locate(GeoLocator(None), UNLISTED_IP, headers).city == "München"
