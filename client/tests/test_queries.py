from datetime import datetime
from unittest.mock import MagicMock, patch

import httpx
import pytest
from http_stubs import END, NO_WEBSITES, START, STATS, async_client, failing_answer, sync_http

import umami
from umami.errors import OperationNotAllowedError

WEBSITE = {
    "id": "w1",
    "name": "Example",
    "domain": "example.com",
    "shareId": None,
    "resetAt": None,
    "userId": "u1",
    "createdAt": "2026-01-01T00:00:00Z",
    "updatedAt": "2026-01-01T00:00:00Z",
    "deletedAt": None,
    "teamId": None,
    "user": {"username": "someone", "id": "u1"},
}
WEBSITES = {"data": [WEBSITE], "count": 1, "page": 1, "pageSize": 20}
SELF_HOSTED_HEADERS = {"Authorization": "Bearer fake-token"}


@pytest.fixture
def logged_in() -> None:
    umami.impl.auth_token = "fake-token"


@pytest.mark.usefixtures("logged_in")
class TestWebsites:
    def test_parses_the_data_list(self) -> None:
        with patch("umami.impl.httpx.get", sync_http(WEBSITES)) as get:
            result = umami.websites()
        assert [site.domain for site in result] == ["example.com"]
        assert result[0].user is not None and result[0].user.username == "someone"
        assert get.call_args.args[0] == "https://example.com/api/websites"
        assert get.call_args.kwargs["headers"] == {
            "User-Agent": umami.impl.user_agent,
            "Authorization": "Bearer fake-token",
        }
        assert "params" not in get.call_args.kwargs

    async def test_async_twin(self) -> None:
        client = async_client(WEBSITES)
        with patch("umami.impl.httpx.AsyncClient", return_value=client):
            result = await umami.websites_async()
        assert result[0].id == "w1"
        assert client.get.call_args.args[0] == "https://example.com/api/websites"

    def test_http_error_raises(self) -> None:
        error = httpx.HTTPStatusError("500", request=MagicMock(), response=MagicMock())
        with (
            patch("umami.impl.httpx.get", MagicMock(return_value=failing_answer(error))),
            pytest.raises(httpx.HTTPStatusError),
        ):
            umami.websites()


def test_queries_need_a_credential() -> None:
    with pytest.raises(OperationNotAllowedError):
        umami.websites()
    with pytest.raises(OperationNotAllowedError):
        umami.website_stats(START, END)
    with pytest.raises(OperationNotAllowedError):
        umami.active_users()


def test_tracking_switch_does_not_affect_queries(logged_in: None) -> None:
    umami.disable()
    with patch("umami.impl.httpx.get", sync_http({"visitors": 2})):
        assert umami.active_users() == 2


@pytest.mark.usefixtures("logged_in")
class TestWebsiteStats:
    def test_dates_are_epoch_milliseconds(self) -> None:
        with patch("umami.impl.httpx.get", sync_http(STATS)) as get:
            stats = umami.website_stats(start_at=START, end_at=END)
        assert get.call_args.args[0] == "https://example.com/api/websites/test-website-id/stats"
        assert get.call_args.kwargs["params"] == {
            "startAt": int(START.timestamp() * 1000),
            "endAt": int(END.timestamp() * 1000),
        }
        assert stats.pageviews == 10
        assert stats.comparison is not None and stats.comparison.totaltime == 1000

    def test_filters_use_umami_parameter_names(self) -> None:
        filters = dict(
            url="/pricing",
            referrer="r",
            title="t",
            query="q",
            event="e",
            host="example.com",
            os="Linux",
            browser="firefox",
            device="desktop",
            country="DE",
            region="DE-BE",
            city="Berlin",
        )
        with patch("umami.impl.httpx.get", sync_http(STATS)) as get:
            umami.website_stats(START, END, "site-2", **filters)
        params = get.call_args.kwargs["params"]
        assert get.call_args.args[0] == "https://example.com/api/websites/site-2/stats"
        assert params["path"] == "/pricing"
        assert params["hostname"] == "example.com"
        for name in ("referrer", "title", "query", "event", "os", "browser", "device"):
            assert params[name] == filters[name]
        for name in ("country", "region", "city"):
            assert params[name] == filters[name]
        for wrong in ("url", "host", "start_at", "end_at"):
            assert wrong not in params

    async def test_async_twin_sends_the_same_request(self) -> None:
        with patch("umami.impl.httpx.get", sync_http(STATS)) as get:
            sync_result = umami.website_stats(START, END, url="/p", host="h.com")
        client = async_client(STATS)
        with patch("umami.impl.httpx.AsyncClient", return_value=client):
            async_result = await umami.website_stats_async(START, END, url="/p", host="h.com")
        assert client.get.call_args.args[0] == get.call_args.args[0]
        assert client.get.call_args.kwargs == get.call_args.kwargs
        assert async_result == sync_result

    def test_comparison_is_optional_and_coercion_is_lax(self) -> None:
        body = {"pageviews": "3", "visitors": 1.0, "visits": 1, "bounces": 0, "totaltime": 0}
        with patch("umami.impl.httpx.get", sync_http(body)):
            stats = umami.website_stats(START, END)
        assert stats.pageviews == 3 and stats.comparison is None

    def test_missing_website_id_reaches_the_path(self) -> None:
        umami.impl.default_website_id = None
        with patch("umami.impl.httpx.get", sync_http(STATS)) as get:
            umami.website_stats(START, END)
        assert get.call_args.args[0] == "https://example.com/api/websites/None/stats"

    def test_naive_datetimes_are_local_time(self) -> None:
        moment = datetime(2025, 6, 1, 12, 0)
        with patch("umami.impl.httpx.get", sync_http(STATS)) as get:
            umami.website_stats(moment, moment)
        assert get.call_args.kwargs["params"]["startAt"] == int(moment.timestamp() * 1000)


@pytest.mark.usefixtures("logged_in")
class TestActiveUsers:
    @pytest.mark.parametrize("body, expected", [({"visitors": 5}, 5), ({"x": 3}, 3), ({}, 0)])
    def test_reads_visitors_then_legacy_x(self, body: dict[str, int], expected: int) -> None:
        with patch("umami.impl.httpx.get", sync_http(body)) as get:
            assert umami.active_users() == expected
        assert get.call_args.args[0] == "https://example.com/api/websites/test-website-id/active"

    async def test_async_twin(self) -> None:
        client = async_client({"visitors": "4"})
        with patch("umami.impl.httpx.AsyncClient", return_value=client):
            assert await umami.active_users_async("w9") == 4
        assert client.get.call_args.args[0] == "https://example.com/api/websites/w9/active"


class TestCloudRouting:
    def test_websites(self) -> None:
        umami.set_cloud_api_key("cloud-key")
        with patch("umami.impl.httpx.get", sync_http(NO_WEBSITES)) as get:
            assert umami.websites() == []
        assert get.call_args.args[0] == "https://api.umami.is/v1/websites"
        assert get.call_args.kwargs["headers"] == {
            "User-Agent": umami.impl.user_agent,
            "x-umami-api-key": "cloud-key",
        }

    def test_region_in_path(self) -> None:
        umami.set_cloud_api_key("cloud-key", region="eu")
        with patch("umami.impl.httpx.get", sync_http({"visitors": 7})) as get:
            assert umami.active_users() == 7
        assert get.call_args.args[0] == "https://api.umami.is/v1/eu/websites/test-website-id/active"

    async def test_stats_async(self) -> None:
        umami.set_cloud_api_key("cloud-key", region="us")
        client = async_client(STATS)
        with patch("umami.impl.httpx.AsyncClient", return_value=client):
            await umami.website_stats_async(START, END, url="/pricing")
        assert (
            client.get.call_args.args[0]
            == "https://api.umami.is/v1/us/websites/test-website-id/stats"
        )
        assert client.get.call_args.kwargs["params"]["path"] == "/pricing"
        assert "Authorization" not in client.get.call_args.kwargs["headers"]
