"""The deterministic ids and the cache token, checked against Umami's published test vectors."""

from datetime import UTC, datetime

import pytest

from umami_server.collect.identity import CacheToken, IdentityDeriver, VisitorIdentity

WEBSITE = "b59e9c65-ae32-47f1-8400-119fcf4861c4"
MOMENT = datetime(2026, 5, 14, 12, 34, 56, tzinfo=UTC)
UA = "Mozilla/5.0 test"
MONTH_SESSION = "412c1343-2d8c-5a96-90f1-b0247cbf6454"
MONTH_VISIT = "9983d787-5c23-5d3c-8659-019ed6a33473"
TOKEN = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ3ZWJzaXRlSWQiOiJiNTllOWM2NS1hZTMyLTQ3ZjEtODQwMC0xMT"
    "lmY2Y0ODYxYzQiLCJzZXNzaW9uSWQiOiI0MTJjMTM0My0yZDhjLTVhOTYtOTBmMS1iMDI0N2NiZjY0NTQiLCJ2aXNp"
    "dElkIjoiOTk4M2Q3ODctNWMyMy01ZDNjLTg2NTktMDE5ZWQ2YTMzNDczIiwiaWF0IjoxNzc4NzYyMDk2fQ."
    "r1mLMRn4w1o3iV_8hKq3sXF6E8OMeOLPYh_AxD-AA1E"
)


def test_secret_is_the_sha512_of_app_secret():
    assert IdentityDeriver("test-secret").secret == (
        "a11241a654a6745686e7174a54198060ff33804615814eca4432ce4c485f9b41"
        "f5efa39fd02c1dcc05e22c851f2605289672fbe2ea0e33545a52138468a7f5e6"
    )


@pytest.mark.parametrize(
    ("rotation", "expected"),
    [
        ("month", MONTH_SESSION),
        ("week", "93176ba3-f0de-5c18-9e02-b4949f077a86"),
        ("day", "7d2c3117-1cfe-50ee-ba43-17bc534b0275"),
    ],
)
def test_session_ids_per_salt_rotation(rotation, expected):
    deriver = IdentityDeriver("test-secret", rotation)
    assert deriver.session_id(WEBSITE, MOMENT, "1.2.3.4", UA) == expected


def test_session_without_ip_and_with_distinct_id():
    deriver = IdentityDeriver("test-secret")
    assert deriver.session_id(WEBSITE, MOMENT, None, UA) == "6de30e3f-3dc5-5a0c-abcc-790b5d6deec3"
    distinct = deriver.session_id(WEBSITE, MOMENT, "1.2.3.4", UA, "user-42")
    assert distinct == "f06a85fe-7d7f-596d-8ac8-d9ad05352dd4"
    assert deriver.visit_id(distinct, MOMENT) == "fa275452-4680-5474-8de7-abc6f722c6fe"


def test_visit_id_and_token_match_the_vectors():
    deriver = IdentityDeriver("test-secret")
    assert deriver.visit_id(MONTH_SESSION, MOMENT) == MONTH_VISIT
    identity = VisitorIdentity(MONTH_SESSION, MONTH_VISIT, 1778762096)
    assert deriver.issue_token(WEBSITE, identity) == TOKEN
    assert deriver.read_token(TOKEN) == CacheToken(WEBSITE, MONTH_SESSION, MONTH_VISIT, 1778762096)


def test_tokens_that_do_not_verify_are_ignored():
    deriver = IdentityDeriver("test-secret")
    assert deriver.read_token(TOKEN[:-2] + "xx") is None
    assert IdentityDeriver("other-secret").read_token(TOKEN) is None
    assert deriver.read_token("not a token") is None
    assert deriver.read_token("") is None


def test_salt_zone_moves_period_starts():
    utc = IdentityDeriver("test-secret", "month")
    from zoneinfo import ZoneInfo

    new_york = IdentityDeriver("test-secret", "month", ZoneInfo("America/New_York"))
    assert new_york.session_id(WEBSITE, MOMENT, "1.2.3.4", UA) != MONTH_SESSION
    assert utc.session_id(WEBSITE, MOMENT, "1.2.3.4", UA) == MONTH_SESSION


def test_visit_lasts_thirty_minutes_from_its_start():
    deriver = IdentityDeriver("test-secret")
    now = int(MOMENT.timestamp())
    token = CacheToken(WEBSITE, MONTH_SESSION, "11111111-1111-4111-8111-111111111111", now - 1700)
    kept = deriver.identify(MONTH_SESSION, MOMENT, now, token, backdated=False)
    assert kept.visit_id == token.visit_id and kept.visit_started_at == now - 1700
    expired = CacheToken(WEBSITE, MONTH_SESSION, token.visit_id, now - 1801)
    renewed = deriver.identify(MONTH_SESSION, MOMENT, now, expired, backdated=False)
    assert renewed.visit_id == MONTH_VISIT and renewed.visit_started_at == now
    backdated = deriver.identify(MONTH_SESSION, MOMENT, now, expired, backdated=True)
    assert backdated.visit_id == token.visit_id


def test_random_ids_are_version_4_and_distinct():
    import uuid

    from umami_server.collect.identity import random_uuid_text

    ids = [random_uuid_text() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    parsed = [uuid.UUID(value) for value in ids]
    assert all(item.version == 4 and item.variant == uuid.RFC_4122 for item in parsed)
    assert all(str(item) == value for item, value in zip(parsed, ids, strict=True))
