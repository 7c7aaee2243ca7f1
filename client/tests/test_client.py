"""`umami.Client` without batching, against a real local server."""

from datetime import datetime, timedelta

import httpx
import pytest
from local_umami import OTHER_WEBSITE_ID, PASSWORD, TOKEN, USERNAME, WEBSITE_ID, LocalUmami

import umami
from umami.errors import OperationNotAllowedError, ValidationError

NOW = datetime.now()


@pytest.fixture
def client(server: LocalUmami) -> umami.Client:
    return umami.Client(server.url, website_id=WEBSITE_ID, hostname="example.com")


def test_configuration_is_validated_like_the_module_functions() -> None:
    with pytest.raises(ValidationError):
        umami.Client("example.com")
    with pytest.raises(ValidationError):
        umami.Client(api_key="  ")
    with pytest.raises(ValidationError):
        umami.Client(api_key="k", cloud_region="mars")
    with pytest.raises(ValidationError):
        umami.Client("https://x.com", cloud_region="eu")
    assert umami.Client("https://x.com///").url_base == "https://x.com"


def test_client_does_not_touch_module_state(client: umami.Client) -> None:
    client.set_website_id("other")
    client.disable()
    client.login(USERNAME, PASSWORD)
    assert umami.impl.default_website_id == "test-website-id"
    assert umami.impl.tracking_enabled is True
    assert umami.impl.auth_token is None


def test_login_and_data_calls(client: umami.Client, server: LocalUmami) -> None:
    assert client.is_logged_in() is False
    assert client.verify_token() is False
    with pytest.raises(OperationNotAllowedError):
        client.websites()
    answer = client.login(USERNAME, PASSWORD)
    assert answer.token == client.auth_token == TOKEN
    assert client.verify_token() is True
    assert [site.id for site in client.websites()] == [WEBSITE_ID]
    assert client.active_users() == 1
    stats = client.website_stats(NOW - timedelta(days=1), NOW, url="/a")
    assert stats.pageviews == 0
    request = server.requests_to(f"/api/websites/{WEBSITE_ID}/stats")[0]
    assert request.query["path"] == ["/a"]
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["user-agent"] == umami.user_agent


def test_bad_login_raises_http_status_error(client: umami.Client) -> None:
    with pytest.raises(httpx.HTTPStatusError) as raised:
        client.login(USERNAME, "wrong")
    assert raised.value.response.status_code == 401
    assert client.auth_token is None


def test_heartbeat(client: umami.Client) -> None:
    assert client.heartbeat() is True
    assert umami.Client("http://127.0.0.1:9", retry=None).heartbeat() is False


def test_sends_reach_the_server_and_return_its_answer(
    client: umami.Client, server: LocalUmami
) -> None:
    assert client.new_page_view("Home", "/home")["sessionId"] == "s-1"
    client.new_event("signup", custom_data={"plan": "pro"}, distinct_id=42)
    client.new_revenue_event(9.5, "EUR")
    home, signup, revenue = server.wait_for_payloads(3)
    assert "name" not in home and home["url"] == "/home"
    assert signup["name"] == "signup" and signup["data"] == {"plan": "pro"} and signup["id"] == "42"
    assert revenue["data"] == {"revenue": 9.5, "currency": "EUR"}
    request = server.requests_to("/api/send")[0]
    assert request.headers["user-agent"] == umami.impl.event_user_agent
    assert "timestamp" not in home  # only queued events are stamped


def test_error_answer_raises(client: umami.Client) -> None:
    with pytest.raises(httpx.HTTPStatusError):
        client.new_event("e", website_id="00000000-1111-4222-8333-444444444444")


def test_disabled_client_sends_nothing(client: umami.Client, server: LocalUmami) -> None:
    client.disable()
    assert client.new_event("e") == {}
    assert client.new_page_view("Home", "/") == {}
    with pytest.raises(ValidationError):
        client.new_event("")
    assert server.requests == []


def test_two_clients_two_websites(server: LocalUmami) -> None:
    first = umami.Client(server.url, website_id=WEBSITE_ID, hostname="one.com")
    second = umami.Client(server.url, website_id=OTHER_WEBSITE_ID, hostname="two.com")
    first.new_page_view("A", "/a")
    second.new_page_view("B", "/b")
    payloads = server.wait_for_payloads(2)
    assert [(p["website"], p["hostname"]) for p in payloads] == [
        (WEBSITE_ID, "one.com"),
        (OTHER_WEBSITE_ID, "two.com"),
    ]


def test_custom_user_agents(server: LocalUmami) -> None:
    client = umami.Client(
        server.url, website_id=WEBSITE_ID, hostname="h", user_agent="sdk/1", event_user_agent="b/2"
    )
    client.heartbeat()
    client.new_event("e")
    client.new_page_view("T", "/", ua="visitor/3")
    user_agents = [request.headers["user-agent"] for request in server.requests]
    assert user_agents == ["sdk/1", "b/2", "visitor/3"]


def test_cloud_mode_urls() -> None:
    client = umami.Client(api_key="key", cloud_region="eu")
    settings = client._settings()
    from umami import _wire

    assert _wire.websites_request(settings).url == "https://api.umami.is/v1/eu/websites"
    assert _wire.batch_url(settings) == "https://cloud.umami.is/api/batch"
    assert client.is_logged_in() is True
    assert "Umami Cloud" in repr(client) and "key" not in repr(client).replace("Cloud", "")


async def test_async_methods(client: umami.Client, server: LocalUmami) -> None:
    assert await client.heartbeat_async() is True
    await client.login_async(USERNAME, PASSWORD)
    assert await client.verify_token_async() is True
    assert len(await client.websites_async()) == 1
    assert await client.active_users_async() == 1
    await client.new_page_view_async("Home", "/home")
    await client.new_event_async("e")
    await client.new_revenue_event_async(1)
    stats = await client.website_stats_async(NOW - timedelta(days=1), NOW + timedelta(days=1))
    assert stats.pageviews == 1
    assert len(server.wait_for_payloads(3)) == 3
    await client.aclose()


def test_sync_and_async_twins_send_identical_requests(server: LocalUmami) -> None:
    import asyncio

    client = umami.Client(server.url, website_id=WEBSITE_ID, hostname="h", auth_token=TOKEN)
    client.new_event("e", custom_data={"k": 1}, distinct_id="d")
    client.website_stats(NOW, NOW, host="h")

    async def twins() -> None:
        await client.new_event_async("e", custom_data={"k": 1}, distinct_id="d")
        await client.website_stats_async(NOW, NOW, host="h")
        await client.aclose()

    asyncio.run(twins())
    sync_send, async_send = server.requests_to("/api/send")
    assert sync_send.json() == async_send.json()
    sync_stats, async_stats = server.requests_to(f"/api/websites/{WEBSITE_ID}/stats")
    assert sync_stats.query == async_stats.query
    client.close()


def test_context_manager_closes_and_client_stays_usable(server: LocalUmami) -> None:
    with umami.Client(server.url, website_id=WEBSITE_ID, hostname="h") as client:
        client.new_event("e")
    client.new_event("again")
    assert len(server.wait_for_payloads(2)) == 2
    client.close()
