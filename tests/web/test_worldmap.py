"""The countries panel's world map without a browser: the centroid table covers every country
code the geo layer can give, and the SVG builder draws linked, titled dots."""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from umami_server.web import worldmap
from umami_server.web.geography import COUNTRIES, country_name, place_of

SVG = "{http://www.w3.org/2000/svg}"
# ISO 3166-1 alpha-2 as the system's tzdata lists it, an independent copy of the code list.
ISO_TABLES = (Path("/usr/share/zoneinfo/iso3166.tab"),
              Path("/usr/share/iso-codes/json/iso_3166-1.json"))


def iso_codes() -> set[str]:
    for path in ISO_TABLES:
        if path.exists():
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".tab":
                return {line.split("\t")[0] for line in text.splitlines()
                        if line and not line.startswith("#")}
            return set(re.findall(r'"alpha_2":\s*"([A-Z]{2})"', text))
    pytest.skip("no ISO 3166 table on this machine (tzdata or iso-codes)")


def test_every_iso_country_and_kosovo_has_a_place() -> None:
    codes = iso_codes()
    assert len(codes) >= 249
    # MaxMind databases and CDN headers give ISO codes, and XK for Kosovo.
    assert sorted((codes | {"XK"}) - set(COUNTRIES)) == []
    assert sorted(set(COUNTRIES) - codes) == ["XK"]


def test_codes_that_name_no_country_have_no_place() -> None:
    # Cloudflare's unknown and Tor, MaxMind's old continent codes, empty, garbage.
    for code in ("XX", "T1", "EU", "AP", "", "D", "DEU", "Berlin"):
        assert place_of(code) is None
        assert country_name(code) == code
    assert place_of("de") == COUNTRIES["DE"]  # a lower-case header value still finds it
    assert country_name("DE") == "Germany"


def test_positions_are_plausible() -> None:
    for code, place in COUNTRIES.items():
        assert -90 <= place.lat <= 90, code
        assert -180 <= place.lon <= 180, code
        assert place.name and place.name != code
    # Hemispheres of some countries anyone can check.
    for code in ("AU", "NZ", "ZA", "AR", "CL", "MG", "ID"):
        assert COUNTRIES[code].lat < 0, code
    for code in ("US", "CA", "MX", "BR", "AR", "GL", "CU"):
        assert COUNTRIES[code].lon < 0, code
    for code in ("JP", "CN", "IN", "RU", "KR", "AU"):
        assert COUNTRIES[code].lon > 60, code
    # European countries sit in Europe's box.
    for code in ("DE", "FR", "ES", "IT", "PL", "SE", "NO", "FI", "GB", "IE", "NL", "GR", "PT"):
        place = COUNTRIES[code]
        assert 35 <= place.lat <= 72 and -11 <= place.lon <= 32, code


def _inside(lon: float, lat: float, ring: tuple[tuple[int, int], ...]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def test_big_countries_fall_on_the_drawn_land() -> None:
    """The hand-drawn outlines and the hand-written centroids agree with each other."""
    big = ("US", "CA", "MX", "BR", "AR", "PE", "CO", "RU", "CN", "IN", "KZ", "MN", "IR", "SA",
           "TR", "DE", "FR", "ES", "PL", "UA", "SE", "FI", "DZ", "LY", "EG", "SD", "CD", "NG",
           "ET", "ZA", "AO", "AU", "GL", "GB", "JP", "MG", "NZ", "IE", "IS")
    for code in big:
        place = COUNTRIES[code]
        assert any(_inside(place.lon, place.lat, ring) for ring in worldmap.OUTLINES), code


def _href(code: str) -> str:
    # As the overview writes it: the table row's URL, relative to the page itself.
    return f"?range=7d&tz=Europe%2FBerlin&country=eq.{code}"


def test_the_map_draws_one_linked_titled_dot_per_known_country() -> None:
    rows = [("DE", 1234), ("US", 50), ("XX", 7), ("", 3), ("jp", 1), ("FR", 0)]
    svg = worldmap.world_map(rows, _href, "Visitors by country, last 7 days")
    assert svg is not None
    root = ElementTree.fromstring(str(svg))  # well-formed XML, hrefs escaped
    assert root.get("aria-label") == "Visitors by country, last 7 days"
    links = root.findall(f"{SVG}a")
    titles = [link.findtext(f"{SVG}title") for link in links]
    # Biggest first, so smaller dots are drawn (and clicked) on top.
    assert titles == ["Germany: 1,234 visitors", "United States: 50 visitors", "Japan: 1 visitor"]
    assert [link.get("href") for link in links] == [_href("DE"), _href("US"), _href("jp")]
    circles = [link.find(f"{SVG}circle") for link in links]
    radii = [float(circle.get("r", "0")) for circle in circles if circle is not None]
    assert radii[0] == worldmap.MAX_RADIUS and radii[0] > radii[1] > radii[2] >= worldmap.MIN_RADIUS
    assert [circle.get("class") for circle in circles if circle is not None] == ["l5", "l2", "l1"]
    # Germany's dot is in the middle of Europe: x = lon + 180, y = NORTH - lat.
    germany = circles[0]
    assert germany is not None
    assert float(germany.get("cx", "0")) == pytest.approx(190.4)
    assert float(germany.get("cy", "0")) == pytest.approx(worldmap.NORTH - 51)


def test_nothing_to_draw_gives_no_map() -> None:
    assert worldmap.world_map([], _href, "x") is None
    assert worldmap.world_map([("XX", 5), ("", 2), ("T1", 1)], _href, "x") is None


def test_labels_are_escaped() -> None:
    svg = worldmap.world_map([("DE", 2)], lambda code: f"/x?a=1&b=<{code}>", 'say "hi" <b>')
    assert svg is not None
    text = str(svg)
    assert 'aria-label="say &#34;hi&#34; &lt;b&gt;"' in text
    assert 'href="/x?a=1&amp;b=&lt;DE&gt;"' in text


def test_far_south_and_north_sit_on_the_edge() -> None:
    assert worldmap.project(-80, 0) == (180, worldmap.HEIGHT)
    assert worldmap.project(89, 0) == (180, 0)


def test_fifty_countries_stay_light() -> None:
    codes = sorted(COUNTRIES)[:50]
    svg = worldmap.world_map([(code, 5000 - 97 * index) for index, code in enumerate(codes)],
                             _href, "Visitors by country, last 7 days")
    assert svg is not None
    size = len(str(svg).encode())
    packed = len(gzip.compress(str(svg).encode()))
    print(f"world map with 50 countries: {size} bytes, {packed} gzipped")
    # The budget: a small share of the overview page (tens of KB), and far less gzipped.
    assert size < 12_000 and packed < 3_500
