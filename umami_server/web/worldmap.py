"""A light world map for the overview's countries panel, drawn on the server as SVG.

Each country with visitors is one dot at its approximate middle (`geography.py`), on an
equirectangular projection (x = longitude, y = latitude, one unit per degree). Dot size and
shade grow with visitors. Each dot is a link that adds the same country filter as the table's
row, so the map works without JavaScript; its <title> is the tooltip and the link's name.
The background is a graticule and rough continent outlines drawn by hand for this project
(integer degrees, a few hundred points), only there to make the dots readable as places.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from markupsafe import Markup, escape

from umami_server.web.geography import place_of

# The drawn latitudes: Antarctica and the high Arctic have no visitors worth the height.
NORTH, SOUTH = 80, -56
WIDTH, HEIGHT = 360, NORTH - SOUTH
MIN_RADIUS, MAX_RADIUS = 2.5, 9.0
LEVELS = 5  # shades, as CSS classes l1..l5

# Rough coastlines as (longitude, latitude) rings, clockwise from a named corner.
OUTLINES: tuple[tuple[tuple[int, int], ...], ...] = (
    # North and Central America, from the Bering Strait.
    ((-168, 66), (-156, 71), (-140, 70), (-125, 70), (-110, 68), (-95, 68), (-85, 70),
     (-80, 63), (-94, 60), (-92, 57), (-82, 55), (-78, 58), (-78, 62), (-70, 60), (-64, 60),
     (-56, 52), (-66, 45), (-70, 42), (-76, 35), (-81, 31), (-80, 25), (-82, 27), (-84, 30),
     (-90, 29), (-97, 27), (-97, 22), (-95, 18), (-90, 21), (-87, 21), (-88, 16), (-84, 15),
     (-83, 10), (-80, 8), (-77, 8), (-80, 7), (-85, 10), (-87, 13), (-92, 14), (-97, 16),
     (-105, 20), (-110, 24), (-112, 29), (-117, 33), (-121, 35), (-124, 40), (-124, 47),
     (-128, 51), (-134, 57), (-140, 60), (-150, 61), (-158, 57), (-160, 59), (-165, 62)),
    # Greenland.
    ((-73, 78), (-60, 80), (-30, 80), (-20, 80), (-18, 75), (-22, 70), (-32, 68), (-42, 60),
     (-50, 62), (-54, 67), (-58, 75)),
    # South America, from Panama.
    ((-77, 8), (-72, 12), (-62, 11), (-52, 5), (-50, 0), (-44, -2), (-35, -5), (-35, -9),
     (-39, -14), (-41, -22), (-48, -26), (-53, -34), (-58, -35), (-57, -38), (-62, -39),
     (-65, -45), (-68, -51), (-69, -55), (-74, -52), (-74, -45), (-73, -37), (-71, -30),
     (-70, -18), (-76, -14), (-81, -6), (-80, -1), (-78, 2)),
    # Europe and Asia, from Portugal, round the Baltic, the Arctic, the Pacific and India.
    ((-9, 37), (-9, 43), (-2, 44), (-4, 48), (2, 51), (5, 53), (8, 54), (8, 57), (10, 55),
     (14, 54), (21, 55), (24, 57), (30, 60), (22, 60), (25, 65), (21, 63), (18, 60), (16, 56),
     (13, 56), (11, 59), (6, 58), (5, 62), (14, 67), (20, 70), (28, 71), (40, 68), (44, 66),
     (53, 68), (60, 70), (70, 73), (80, 73), (90, 76), (105, 78), (113, 74), (130, 71),
     (140, 72), (160, 70), (180, 69), (180, 66), (178, 62), (165, 60), (162, 56), (156, 51),
     (156, 57), (150, 59), (142, 59), (137, 54), (141, 52), (135, 43), (129, 41), (129, 35),
     (126, 35), (125, 39), (121, 40), (118, 38), (122, 37), (119, 34), (122, 30), (119, 25),
     (114, 22), (109, 21), (106, 20), (108, 16), (109, 12), (105, 9), (101, 13), (99, 10),
     (103, 1), (100, 4), (98, 8), (98, 16), (94, 17), (92, 22), (87, 21), (80, 15), (78, 8),
     (76, 10), (73, 17), (72, 21), (67, 25), (57, 26), (56, 24), (59, 22), (55, 17), (52, 16),
     (45, 13), (43, 13), (39, 21), (35, 28), (34, 31), (35, 36), (30, 36), (27, 37), (26, 40),
     (23, 40), (22, 37), (20, 40), (19, 42), (14, 45), (12, 44), (18, 40), (16, 38), (15, 40),
     (11, 42), (9, 44), (6, 43), (3, 43), (0, 39), (-2, 37), (-5, 36)),
    # Africa, from Tangier.
    ((-6, 36), (10, 37), (11, 33), (20, 31), (30, 31), (33, 31), (35, 24), (38, 18), (43, 12),
     (51, 12), (51, 10), (48, 5), (40, -3), (39, -8), (40, -15), (35, -20), (35, -24),
     (33, -28), (27, -34), (20, -35), (18, -32), (15, -27), (12, -17), (13, -11), (12, -5),
     (9, -1), (9, 4), (4, 6), (-3, 5), (-8, 4), (-13, 8), (-17, 14), (-17, 21), (-13, 27),
     (-10, 30), (-9, 33)),
    ((49, -12), (50, -16), (47, -25), (44, -24), (44, -17)),  # Madagascar
    ((-5, 50), (1, 51), (2, 53), (-2, 56), (-2, 58), (-5, 58), (-6, 56), (-3, 54),
     (-5, 52)),  # Great Britain
    ((-10, 52), (-6, 52), (-6, 55), (-8, 55), (-10, 54)),  # Ireland
    ((-24, 65), (-22, 66), (-14, 66), (-14, 64), (-19, 63)),  # Iceland
    ((130, 31), (133, 34), (136, 35), (140, 41), (142, 45), (145, 44), (141, 41), (141, 37),
     (140, 35), (135, 33)),  # Japan
    ((95, 5), (98, 4), (104, -1), (106, -6), (101, -3)),  # Sumatra
    ((106, -6), (114, -7), (114, -8), (106, -7)),  # Java
    ((109, 2), (117, 7), (119, 1), (116, -4), (110, -3)),  # Borneo
    ((120, 18), (122, 18), (126, 7), (122, 7), (120, 14)),  # the Philippines
    ((131, -1), (141, -3), (150, -10), (143, -9), (138, -8)),  # New Guinea
    ((114, -22), (114, -34), (118, -35), (124, -34), (132, -32), (138, -35), (141, -38),
     (148, -38), (151, -33), (153, -28), (153, -25), (146, -19), (142, -11), (141, -17),
     (136, -15), (136, -12), (131, -11), (126, -14), (122, -18)),  # Australia
    ((172, -34), (178, -38), (174, -42), (170, -46), (167, -46), (172, -40)),  # New Zealand
)


def project(lat: float, lon: float) -> tuple[float, float]:
    """SVG coordinates of a point; latitudes outside the drawn band sit on its edge."""
    return lon + 180, NORTH - max(SOUTH, min(NORTH, lat))


def _ring_path(ring: Iterable[tuple[int, int]]) -> str:
    points = [project(lat, lon) for lon, lat in ring]
    return "M" + "L".join(f"{x:g} {y:g}" for x, y in points) + "Z"


# The background never changes, so it is built once.
LAND = "".join(_ring_path(ring) for ring in OUTLINES)
GRATICULE = "".join(f"M0 {NORTH - lat}H{WIDTH}" for lat in (60, 30, 0, -30)) + "".join(
    f"M{lon + 180} 0V{HEIGHT}" for lon in range(-150, 180, 30))


def level(visitors: int, most: int) -> int:
    """The shade 1..LEVELS, on a square-root scale so small countries stay visible."""
    if most <= 0:
        return 1
    return max(1, min(LEVELS, math.ceil(LEVELS * math.sqrt(visitors / most))))


def radius(visitors: int, most: int) -> float:
    """Dot radius: its area grows with visitors, from MIN_RADIUS to MAX_RADIUS."""
    share = visitors / most if most > 0 else 0
    return MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(share)


def _num(value: float) -> str:
    """A coordinate with one decimal and no trailing `.0`: tenths of a degree are plenty."""
    return f"{round(value, 1):g}"


def visitors_text(count: int) -> str:
    return f"{count:,} visitor" + ("" if count == 1 else "s")


def world_map(rows: Iterable[tuple[str, int]], href: Callable[[str], str], label: str
              ) -> Markup | None:
    """The map of (country code, visitors) rows, or None when no row is a known country.

    `href(code)` is the URL that filters on that country (the table's row link).
    """
    dots = []
    for code, count in rows:
        place = place_of(code) if code else None
        if place is not None and count > 0:
            dots.append((code, place, count))
    if not dots:
        return None
    most = max(count for _, _, count in dots)
    # Big dots first, so the small ones drawn later stay visible and clickable on top.
    dots.sort(key=lambda dot: -dot[2])
    parts = [f'<svg class="worldmap" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
             f'<path class="grat" d="{GRATICULE}"/><path class="land" d="{LAND}"/>']
    for code, place, count in dots:
        x, y = project(place.lat, place.lon)
        parts.append(
            f'<a href="{escape(href(code))}"><title>{escape(place.name)}: '
            f'{visitors_text(count)}</title><circle class="l{level(count, most)}" '
            f'cx="{_num(x)}" cy="{_num(y)}" r="{_num(radius(count, most))}"/></a>')
    parts.append("</svg>")
    return Markup("".join(parts))
