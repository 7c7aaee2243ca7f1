"""The recorded answers of examples.md, computed by the query layer from a replay of its sends.

Two documented differences from the recording (Umami on PostgreSQL):
- `payload.timestamp` carries whole seconds, so the first visit spans 21:19:18 -> 21:19:19 here
  (1 s of totaltime) where the recording had 18.930 -> 19.146 (0 s).
- channels follow ClickHouse (api-analytics.md §5.2): visits without referrer and query are
  `direct`, which PostgreSQL's NULL handling drops.
"""

from __future__ import annotations

import pytest

from tests.queries.examples import END_AT, START_AT
from umami_server.queries.errors import QueryError
from umami_server.queries.metrics import METRIC_TYPES, website_metrics
from umami_server.queries.pageviews import website_pageviews
from umami_server.queries.request import parse_request
from umami_server.queries.stats import website_stats

RANGE = {"startAt": str(START_AT), "endAt": str(END_AT)}
TZ_RANGE = {"startAt": "1795046400000", "endAt": "1795391999999"}
NO_COMPARISON = {"pageviews": 0, "visitors": 0, "visits": 0, "bounces": 0, "totaltime": 0}


def points(*pairs):
    return [{"x": x, "y": y} for x, y in pairs]


def stats(recorded, site=None, **params):
    return website_stats(recorded.database, parse_request(site or recorded.main,
                                                          {**RANGE, **params}))


def pageviews(recorded, site, window, **params):
    return website_pageviews(recorded.database, parse_request(site, {**window, **params}))


def metrics(recorded, metric, **params):
    request = parse_request(recorded.main, {**RANGE, "type": metric, **params})
    return website_metrics(recorded.database, request)


def test_stats_last_7_days(recorded):
    assert stats(recorded) == {"pageviews": 9, "visitors": 7, "visits": 7, "bounces": 5,
                               "totaltime": 1, "comparison": NO_COMPARISON}


def test_stats_filtered_by_path(recorded):
    assert stats(recorded, path="/pricing") == {
        "pageviews": 2, "visitors": 2, "visits": 2, "bounces": 2, "totaltime": 0,
        "comparison": NO_COMPARISON}


def test_stats_of_unknown_website_are_zeros(recorded):
    assert stats(recorded, site="00000000-0000-4000-8000-000000000000") == {
        **NO_COMPARISON, "comparison": NO_COMPARISON}


def test_stats_of_timezone_site(recorded):
    request = parse_request(recorded.tz, TZ_RANGE)
    assert website_stats(recorded.database, request) == {
        "pageviews": 4, "visitors": 4, "visits": 4, "bounces": 4, "totaltime": 0,
        "comparison": NO_COMPARISON}


DAYS = ("2026-11-19 00:00:00", "2026-11-20 00:00:00", "2026-11-21 00:00:00",
        "2026-11-22 00:00:00")


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_pageviews_per_day(recorded, zone):
    answer = pageviews(recorded, recorded.main, RANGE, unit="day", timezone=zone)
    assert answer == {"pageviews": points(*zip(DAYS, (1, 2, 1, 5), strict=True)),
                      "sessions": points(*zip(DAYS, (1, 1, 1, 4), strict=True))}


def test_pageviews_compare_prev(recorded):
    answer = pageviews(recorded, recorded.main, RANGE, unit="day", timezone="UTC",
                       compare="prev")
    assert answer["pageviews"] == points(*zip(DAYS, (1, 2, 1, 5), strict=True))
    assert answer["startDate"] == "2026-11-15T21:20:21.100Z"
    assert answer["endDate"] == "2026-11-22T21:20:21.100Z"
    assert answer["compare"] == {"pageviews": [], "sessions": [],
                                 "startDate": "2026-11-08T21:20:21.100Z",
                                 "endDate": "2026-11-15T21:20:21.100Z"}


def test_pageviews_last_hour(recorded):
    window = {"startAt": "1795378821100", "endAt": "1795382421100"}
    answer = pageviews(recorded, recorded.main, window, unit="hour", timezone="UTC")
    assert answer == {"pageviews": points(("2026-11-22 21:00:00", 5)),
                      "sessions": points(("2026-11-22 21:00:00", 4))}


@pytest.mark.parametrize(("params", "expected"), [
    ({"unit": "day", "timezone": "UTC"},
     [("2026-11-21 00:00:00", 3), ("2026-11-22 00:00:00", 1)]),
    ({"unit": "day", "timezone": "utc"},
     [("2026-11-21T00:00:00Z", 3), ("2026-11-22T00:00:00Z", 1)]),
    ({"unit": "day", "timezone": "America/New_York"},
     [("2026-11-20 00:00:00", 1), ("2026-11-21 00:00:00", 3)]),
    ({"unit": "day", "timezone": "Asia/Tokyo"},
     [("2026-11-21 00:00:00", 2), ("2026-11-22 00:00:00", 2)]),
    ({"unit": "hour", "timezone": "America/New_York"},
     [("2026-11-20 22:00:00", 1), ("2026-11-21 07:00:00", 1), ("2026-11-21 18:00:00", 1),
      ("2026-11-21 20:00:00", 1)]),
    ({},
     [("2026-11-21T03:00:00Z", 1), ("2026-11-21T12:00:00Z", 1), ("2026-11-21T23:00:00Z", 1),
      ("2026-11-22T01:00:00Z", 1)]),
])
def test_pageviews_time_zones(recorded, params, expected):
    answer = pageviews(recorded, recorded.tz, TZ_RANGE, **params)
    assert answer == {"pageviews": points(*expected), "sessions": points(*expected)}


RECORDED_METRICS = {
    "path": points(("/", 4), ("/docs", 2), ("/pricing", 2), ("/blog/hello-world", 1)),
    "referrer": points(("google.com", 1), ("news.ycombinator.com", 1)),
    "browser": points(("chrome", 4), ("firefox", 2), ("ios", 1)),
    "os": points(("Windows 10", 4), ("Mac OS", 2), ("iOS", 1)),
    "device": points(("laptop", 6), ("mobile", 1)),
    "country": points(("CN", 2), ("GB", 2), ("SE", 1), ("US", 1)),
    "city": [{"x": "Belfast", "y": 1, "country": "GB"}, {"x": "Gamlingay", "y": 1, "country": "GB"},
             {"x": "Poulsbo", "y": 1, "country": "US"}, {"x": "Tumba", "y": 1, "country": "SE"}],
    "region": [{"x": "CN-JL", "y": 1, "country": "CN"}, {"x": "GB-ENG", "y": 1, "country": "GB"},
               {"x": "GB-NIR", "y": 1, "country": "GB"}, {"x": "SE-AB", "y": 1, "country": "SE"},
               {"x": "US-WA", "y": 1, "country": "US"}],
    "language": points(("en", 6), ("de", 1)),
    "screen": points(("1920x1080", 5), ("1440x900", 1), ("390x844", 1)),
    "event": points(("signup-click", 1)),
    "title": points(("Past", 3), ("Home", 2), ("Docs", 1), ("Hello", 1), ("Pricing", 1)),
    "query": points(("utm_source=newsletter&utm_medium=email&utm_campaign=spring", 1)),
    "entry": points(("/", 3), ("/docs", 2), ("/blog/hello-world", 1), ("/pricing", 1)),
    "exit": points(("/", 2), ("/docs", 2), ("/pricing", 2), ("/blog/hello-world", 1)),
    "hostname": points(("example.com", 7)),
    # Recorded (PostgreSQL): email, organicSearch, organicSocial; see the module docstring.
    "channel": points(("direct", 5), ("email", 1), ("organicSearch", 1), ("organicSocial", 1)),
    "utmSource": points(("newsletter", 1)),
    # Not in the recording; follow from the same sends.
    "domain": points(("google.com", 1), ("news.ycombinator.com", 1)),
    "utmMedium": points(("email", 1)),
    "utmCampaign": points(("spring", 1)),
    "utmContent": [], "utmTerm": [], "tag": [], "distinctId": [],
}


def test_every_metric_type_has_a_recorded_or_derived_answer():
    assert set(RECORDED_METRICS) == set(METRIC_TYPES)


@pytest.mark.parametrize("metric", sorted(RECORDED_METRICS))
def test_metrics(recorded, metric):
    assert metrics(recorded, metric) == RECORDED_METRICS[metric]


def test_metrics_limit(recorded):
    assert metrics(recorded, "path", limit="2") == points(("/", 4), ("/docs", 2))


def test_metrics_filtered_by_browser(recorded):
    assert metrics(recorded, "path", browser="firefox") == points(("/", 1),
                                                                  ("/blog/hello-world", 1))


def test_metrics_of_timezone_site(recorded):
    request = parse_request(recorded.tz, {**TZ_RANGE, "type": "path"})
    assert website_metrics(recorded.database, request) == points(("/a", 2), ("/b", 1), ("/c", 1))


@pytest.mark.parametrize("metric", ["url", "host", "referrer_domain", ""])
def test_unknown_metric_type_is_refused(recorded, metric):
    with pytest.raises(QueryError):
        metrics(recorded, metric)


def test_metrics_search_filters_the_type_column(recorded):
    assert metrics(recorded, "path", search="DOC") == points(("/docs", 2))
    # No filter column behind `screen`: the search has no effect.
    assert metrics(recorded, "screen", search="zzz") == RECORDED_METRICS["screen"]
