"""Geolocation through a running server: an MMDB file, and a missing one (no 500, one warning)."""

from __future__ import annotations

import httpx
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from tests.conftest import add_website
from tests.server_process import CHROME_UA, running_server


def write_city_database(path) -> None:
    writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-City")
    writer.insert_network(IPSet(["81.2.69.0/24"]), {
        "country": {"iso_code": "GB"}, "subdivisions": [{"iso_code": "ENG"}],
        "city": {"names": {"en": "London"}},
    })
    writer.to_db_file(str(path))


def send(server, website, ip):
    return httpx.post(
        f"{server.base_url}/api/send",
        json={"type": "event", "payload": {"website": website, "url": "/"}},
        headers={"User-Agent": CHROME_UA, "X-Forwarded-For": ip}, timeout=10,
    )


def test_city_database_fills_country_region_city(tmp_path, new_data_dir):
    database = tmp_path / "City.mmdb"
    write_city_database(database)
    data_dir = new_data_dir("geo")
    website = add_website(data_dir)
    with running_server(data_dir, {"GEOLITE_DB_PATH": str(database)}) as server:
        assert send(server, website, "81.2.69.142").status_code == 200
        assert send(server, website, "8.8.8.8").status_code == 200
        assert send(server, website, "127.0.0.1").status_code == 200
        rows = server.stored(
            "SELECT country, region, city FROM session WHERE website_id = ? ORDER BY country",
            [website])
    assert rows == [("GB", "GB-ENG", "London"), (None, None, None), (None, None, None)]


def test_missing_database_means_no_geo_not_errors(tmp_path, new_data_dir):
    data_dir = new_data_dir("no-geo")
    website = add_website(data_dir)
    env = {"GEOLITE_DB_PATH": str(tmp_path / "missing.mmdb")}
    with running_server(data_dir, env) as server:
        for ip in ("81.2.69.142", "81.2.69.143"):
            assert send(server, website, ip).status_code == 200
        cloudflare = httpx.post(
            f"{server.base_url}/api/send",
            json={"type": "event", "payload": {"website": website, "url": "/cf"}},
            headers={"User-Agent": CHROME_UA, "X-Forwarded-For": "81.2.69.144",
                     "cf-ipcountry": "FR"}, timeout=10,
        )
        assert cloudflare.status_code == 200
        warnings = [line for line in server.output().splitlines() if "missing.mmdb" in line]
        rows = server.stored(
            "SELECT country FROM website_event WHERE website_id = ? ORDER BY url_path", [website])
    assert rows == [(None,), (None,), ("FR",)]
    # One warning at start, none per request.
    assert len(warnings) == 1 and "WARNING" in warnings[0]
