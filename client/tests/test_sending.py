from typing import Any
from unittest.mock import MagicMock, patch

import httpx
import pytest
from http_stubs import async_client, failing_answer, sync_http

import umami
from umami.errors import OperationNotAllowedError, ValidationError

SENT = {"cache": "c", "sessionId": "s", "visitId": "v"}


def sent_body(post: MagicMock) -> Any:
    return post.call_args.kwargs["json"]


class TestNewEvent:
    def test_request_and_answer(self) -> None:
        with patch("umami.impl.httpx.post", sync_http(SENT)) as post:
            result = umami.new_event("signup", custom_data={"plan": "pro"})
        assert result == SENT
        assert post.call_args.args[0] == "https://example.com/api/send"
        assert post.call_args.kwargs["headers"] == {
            "User-Agent": umami.impl.event_user_agent,
            "Authorization": "Bearer None",
        }
        assert sent_body(post) == {
            "payload": {
                "hostname": "test.com",
                "language": "en-US",
                "referrer": "",
                "screen": "1920x1080",
                "title": "signup",
                "url": "/",
                "website": "test-website-id",
                "name": "signup",
                "data": {"plan": "pro"},
            },
            "type": "event",
        }

    def test_arguments_override_defaults(self) -> None:
        with (
            patch("umami.impl.auth_token", "t"),
            patch("umami.impl.httpx.post", sync_http()) as post,
        ):
            umami.new_event(
                " e ",
                hostname="h.com",
                url="/x",
                website_id="w2",
                title="T",
                referrer="https://ref/",
                language="de",
                screen="10x10",
            )
        payload = sent_body(post)["payload"]
        assert payload["website"] == "w2" and payload["hostname"] == "h.com"
        assert payload["name"] == " e "  # not stripped
        assert (payload["title"], payload["url"], payload["referrer"]) == (
            "T",
            "/x",
            "https://ref/",
        )
        assert (payload["language"], payload["screen"]) == ("de", "10x10")
        assert post.call_args.kwargs["headers"]["Authorization"] == "Bearer t"

    def test_empty_strings_fall_back_to_defaults(self) -> None:
        with patch("umami.impl.httpx.post", sync_http()) as post:
            umami.new_event("e", hostname="", website_id="")
        payload = sent_body(post)["payload"]
        assert (payload["hostname"], payload["website"]) == ("test.com", "test-website-id")

    async def test_async_twin_sends_the_same_body(self) -> None:
        with patch("umami.impl.httpx.post", sync_http(SENT)) as post:
            sync_result = umami.new_event("e", url="/x", custom_data={"a": 1}, distinct_id=7)
        client = async_client(SENT)
        with patch("umami.impl.httpx.AsyncClient", return_value=client):
            async_result = await umami.new_event_async(
                "e", url="/x", custom_data={"a": 1}, distinct_id=7
            )
        assert client.post.call_args.args[0] == post.call_args.args[0]
        assert client.post.call_args.kwargs == post.call_args.kwargs
        assert async_result == sync_result == SENT

    def test_http_error_raises(self) -> None:
        error = httpx.HTTPStatusError("400", request=MagicMock(), response=MagicMock())
        with (
            patch("umami.impl.httpx.post", MagicMock(return_value=failing_answer(error))),
            pytest.raises(httpx.HTTPStatusError),
        ):
            umami.new_event("e")

    def test_needs_url_base_but_no_login(self) -> None:
        with patch("umami.impl.url_base", None), pytest.raises(OperationNotAllowedError):
            umami.new_event("e")

    @pytest.mark.parametrize("name", ["", "   ", "\t"])
    def test_blank_name_rejected_before_sending(self, name: str) -> None:
        with patch("umami.impl.httpx.post", sync_http()) as post, pytest.raises(ValidationError):
            umami.new_event(name)
        post.assert_not_called()

    def test_missing_hostname_and_website(self) -> None:
        umami.impl.default_hostname = None
        with pytest.raises(ValidationError, match="hostname"):
            umami.new_event("e")
        umami.impl.default_hostname = "h"
        umami.impl.default_website_id = None
        with pytest.raises(ValidationError, match="website"):
            umami.new_event("e")

    def test_url_base_is_checked_before_distinct_id(self) -> None:
        with patch("umami.impl.url_base", None), pytest.raises(OperationNotAllowedError):
            umami.new_event("e", distinct_id=1.5)  # type: ignore[arg-type]

    def test_distinct_id_is_checked_before_event_data(self) -> None:
        with pytest.raises(ValidationError, match="string or integer"):
            umami.new_event("", distinct_id=[1])  # type: ignore[arg-type]


class TestOptionalPayloadFields:
    def test_ip_sent_as_given(self) -> None:
        with patch("umami.impl.httpx.post", sync_http()) as post:
            umami.new_event("e", ip_address=" 1.2.3.4 ")
        assert sent_body(post)["payload"]["ip"] == " 1.2.3.4 "

    @pytest.mark.parametrize("ip", [None, "", "   "])
    def test_no_ip_when_blank(self, ip: str | None) -> None:
        with patch("umami.impl.httpx.post", sync_http()) as post:
            umami.new_page_view("Home", "/", ip_address=ip)
        assert "ip" not in sent_body(post)["payload"]

    @pytest.mark.parametrize(
        "given, sent", [("user-1", "user-1"), ("  u  ", "u"), (12345, "12345"), (0, "0")]
    )
    def test_distinct_id_sent_as_id(self, given: str | int, sent: str) -> None:
        with patch("umami.impl.httpx.post", sync_http()) as post:
            umami.new_event("e", distinct_id=given)
        assert sent_body(post)["payload"]["id"] == sent

    @pytest.mark.parametrize("blank", [None, "", "   "])
    def test_no_id_when_blank(self, blank: str | None) -> None:
        with patch("umami.impl.httpx.post", sync_http()) as post:
            umami.new_revenue_event(1, distinct_id=blank)
        assert "id" not in sent_body(post)["payload"]


class TestNormalizeDistinctId:
    @pytest.mark.parametrize(
        "given, expected",
        [(None, None), ("", None), ("  ", None), ("a", "a"), (" a ", "a"), (5, "5"), (0, "0")],
    )
    def test_valid(self, given: str | int | None, expected: str | None) -> None:
        assert umami.impl.normalize_distinct_id(given) == expected

    @pytest.mark.parametrize("bad", [True, False, 1.5, ["x"], {"a": 1}, object()])
    def test_invalid(self, bad: Any) -> None:
        with pytest.raises(ValidationError, match="string or integer"):
            umami.impl.normalize_distinct_id(bad)


class TestNewPageView:
    def test_payload_has_no_name_or_data(self) -> None:
        with patch("umami.impl.httpx.post", sync_http(SENT)) as post:
            result = umami.new_page_view("Home", "/home", distinct_id="u")
        assert result == SENT
        assert sent_body(post) == {
            "payload": {
                "hostname": "test.com",
                "language": "en-US",
                "referrer": "",
                "screen": "1920x1080",
                "title": "Home",
                "url": "/home",
                "website": "test-website-id",
                "id": "u",
            },
            "type": "event",
        }
        assert post.call_args.kwargs["headers"]["User-Agent"] == umami.impl.event_user_agent

    def test_ua_argument_is_the_user_agent_header(self) -> None:
        with patch("umami.impl.httpx.post", sync_http()) as post:
            umami.new_page_view("Home", "/", ua="Mozilla/5.0 Visitor")
        assert post.call_args.kwargs["headers"]["User-Agent"] == "Mozilla/5.0 Visitor"

    def test_empty_title_accepted(self) -> None:
        with patch("umami.impl.httpx.post", sync_http()) as post:
            umami.new_page_view("", "/")
        assert sent_body(post)["payload"]["title"] == ""

    async def test_async_twin_sends_the_same_body(self) -> None:
        with patch("umami.impl.httpx.post", sync_http(SENT)) as post:
            sync_result = umami.new_page_view("T", "/x", ua="UA", ip_address="1.1.1.1")
        client = async_client(SENT)
        with patch("umami.impl.httpx.AsyncClient", return_value=client):
            async_result = await umami.new_page_view_async("T", "/x", ua="UA", ip_address="1.1.1.1")
        assert client.post.call_args.kwargs == post.call_args.kwargs
        assert async_result == sync_result

    def test_missing_website(self) -> None:
        umami.impl.default_website_id = None
        with pytest.raises(ValidationError):
            umami.new_page_view("T", "/")


class TestNewRevenueEvent:
    def test_defaults(self) -> None:
        with patch("umami.impl.httpx.post", sync_http(SENT)) as post:
            assert umami.new_revenue_event(19.99) == SENT
        payload = sent_body(post)["payload"]
        assert payload["name"] == payload["title"] == "revenue"
        assert payload["url"] == "/"
        assert payload["data"] == {"revenue": 19.99, "currency": "USD"}

    def test_revenue_and_currency_override_custom_data(self) -> None:
        data = {"revenue": "x", "currency": "y", "sku": "a1"}
        with patch("umami.impl.httpx.post", sync_http()) as post:
            umami.new_revenue_event(30, "gbp", "checkout", custom_data=data)
        payload = sent_body(post)["payload"]
        assert payload["name"] == "checkout"
        assert payload["data"] == {"revenue": 30, "currency": "gbp", "sku": "a1"}
        assert data["revenue"] == "x"  # the caller's dict is not changed

    def test_zero_and_bool_pass(self) -> None:
        with patch("umami.impl.httpx.post", sync_http()) as post:
            umami.new_revenue_event(0)
            assert sent_body(post)["payload"]["data"]["revenue"] == 0
            umami.new_revenue_event(True)

    @pytest.mark.parametrize(
        "revenue, currency, message",
        [
            (-5.0, "USD", "must be >= 0"),
            ("10", "USD", "must be a number"),
            (None, "USD", "must be a number"),
            (10.0, "", "non-empty string"),
            (10.0, "  ", "non-empty string"),
        ],
    )
    def test_invalid(self, revenue: Any, currency: str, message: str) -> None:
        with pytest.raises(ValidationError, match=message):
            umami.new_revenue_event(revenue, currency)

    def test_revenue_checked_before_url_base(self) -> None:
        with patch("umami.impl.url_base", None), pytest.raises(ValidationError, match=">= 0"):
            umami.new_revenue_event(-1)

    async def test_async_twin_sends_the_same_body(self) -> None:
        with patch("umami.impl.httpx.post", sync_http(SENT)) as post:
            umami.new_revenue_event(5.0, url="/x", distinct_id="u")
        client = async_client(SENT)
        with patch("umami.impl.httpx.AsyncClient", return_value=client):
            result = await umami.new_revenue_event_async(5.0, url="/x", distinct_id="u")
        assert client.post.call_args.kwargs == post.call_args.kwargs
        assert result == SENT

    async def test_async_invalid(self) -> None:
        with pytest.raises(ValidationError, match="must be >= 0"):
            await umami.new_revenue_event_async(-1)


class TestTrackingDisabled:
    """Validation still runs; no request is made. Return values are umami-analytics' own."""

    def test_sync_sends_return_none(self) -> None:
        umami.disable()
        with patch("umami.impl.httpx.post", sync_http()) as post:
            assert umami.new_event("e") is None
            assert umami.new_page_view("Home", "/") is None
            assert umami.new_revenue_event(1.0) is None
        post.assert_not_called()

    async def test_async_sends(self) -> None:
        umami.disable()
        client = async_client()
        with patch("umami.impl.httpx.AsyncClient", return_value=client):
            assert await umami.new_event_async("e") == {}
            assert await umami.new_revenue_event_async(1.0) == {}
            assert await umami.new_page_view_async("Home", "/") is None
        client.post.assert_not_called()

    def test_validation_still_runs(self) -> None:
        umami.disable()
        umami.impl.default_hostname = None
        with pytest.raises(ValidationError):
            umami.new_event("e")
        with pytest.raises(ValidationError):
            umami.new_revenue_event(-1)


class TestCloudSends:
    def test_event_goes_to_cloud_without_credentials(self) -> None:
        umami.set_cloud_api_key("cloud-key", region="eu")
        umami.impl.auth_token = "t"
        with (
            patch("umami.impl.url_base", None),
            patch("umami.impl.httpx.post", sync_http()) as post,
        ):
            umami.new_event("purchase")
        assert post.call_args.args[0] == "https://cloud.umami.is/api/send"
        assert post.call_args.kwargs["headers"] == {"User-Agent": umami.impl.event_user_agent}

    async def test_page_view_async_keeps_its_ua(self) -> None:
        umami.set_cloud_api_key("cloud-key")
        client = async_client()
        with patch("umami.impl.httpx.AsyncClient", return_value=client):
            await umami.new_page_view_async("Home", "/", ua="UA/1")
        assert client.post.call_args.args[0] == "https://cloud.umami.is/api/send"
        assert client.post.call_args.kwargs["headers"] == {"User-Agent": "UA/1"}
