"""The `umami` client (client/) against our real server: the drop-in functions and batching."""

from __future__ import annotations

import umami  # scripts/test installs client/ into the server's venv for this test

from tests.conftest import add_website


def test_module_functions_send_to_our_server(server):
    website = add_website(server.data_dir, "Client", "client.example")
    umami.set_url_base(server.base_url)
    umami.set_website_id(website)
    umami.set_hostname("client.example")
    answer = umami.new_page_view("Pricing", "/pricing", ip_address="81.2.69.142")
    assert set(answer) == {"cache", "sessionId", "visitId"}
    umami.new_event("signup", custom_data={"plan": "pro"}, distinct_id=42)
    assert umami.heartbeat() is True
    stored = server.stored(
        "SELECT event_type, url_path, event_name, page_title, hostname FROM website_event "
        "WHERE website_id = ? ORDER BY created_at", [website])
    assert stored == [(1, "/pricing", None, "Pricing", "client.example"),
                      (2, "/", "signup", "signup", "client.example")]
    data = server.stored(
        "SELECT data_key, string_value FROM event_data WHERE website_id = ?", [website])
    assert data == [("plan", "pro")]


def test_batching_client_delivers_through_api_batch(server):
    website = add_website(server.data_dir, "Batched", "batched.example")
    client = umami.Client(
        server.base_url, website_id=website, hostname="batched.example",
        batching=umami.Batching(max_size=20, interval=0.2),
    )
    for index in range(45):
        assert client.new_event(f"click-{index % 3}", custom_data={"n": index}) == {}
    client.flush(timeout=10)
    stats = client.stats
    client.close()
    assert (stats.sent, stats.failed, stats.dropped) == (45, 0, 0)
    rows = server.stored(
        "SELECT count(*), count(DISTINCT event_name) FROM website_event WHERE website_id = ?",
        [website])
    assert rows == [(45, 3)]


def test_async_functions_and_revenue_reach_the_store(server):
    import asyncio

    website = add_website(server.data_dir, "Async", "async.example")
    umami.set_url_base(server.base_url)
    umami.set_hostname("async.example")

    async def send_all() -> None:
        await umami.new_page_view_async("Home", "/", website_id=website)
        await umami.new_event_async("clicked", website_id=website, custom_data={"n": 1})

    asyncio.run(send_all())
    umami.new_revenue_event(19.99, currency="EUR", website_id=website)
    revenue = server.stored(
        "SELECT event_name, currency, revenue FROM revenue WHERE website_id = ?", [website])
    assert revenue == [("revenue", "EUR", 19.99)]
    events = server.stored(
        "SELECT event_type, count(*) FROM website_event WHERE website_id = ? GROUP BY 1 "
        "ORDER BY 1", [website])
    assert events == [(1, 1), (2, 2)]


def test_batched_sender_delivers_everything_at_interpreter_exit(server):
    import subprocess
    import sys

    website = add_website(server.data_dir, "Exit", "exit.example")
    script = (
        "import umami\n"
        f"client = umami.Client({server.base_url!r}, website_id={website!r},\n"
        "    hostname='exit.example', batching=umami.Batching(max_size=50, interval=30))\n"
        "for index in range(237):\n"
        "    client.new_event('exit-test', custom_data={'i': index})\n"
        # No flush and no close: delivery at interpreter exit is what is tested.
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    rows = server.stored(
        "SELECT count(*) FROM website_event WHERE website_id = ?", [website])
    assert rows == [(237,)]


def test_login_websites_stats_and_active_users_sync_and_async(server):
    import asyncio
    from datetime import UTC, datetime, timedelta

    website = add_website(server.data_dir, "Stats", "stats.example", owner="admin")
    umami.set_url_base(server.base_url)
    umami.set_hostname("stats.example")
    for index, ip in enumerate(("81.2.69.10", "81.2.69.11", "81.2.69.12")):
        umami.new_page_view("Home", f"/page-{index}", website_id=website, ip_address=ip)
    umami.new_page_view("Again", "/page-0", website_id=website, ip_address="81.2.69.10")

    login = umami.login("admin", "admin-password-for-tests")
    assert login.user.username == "admin" and umami.verify_token()
    assert website in {site.id for site in umami.websites()}

    start, end = datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC) + timedelta(minutes=1)
    deadline = datetime.now(UTC) + timedelta(seconds=5)
    stats = umami.website_stats(start, end, website_id=website)
    while stats.pageviews < 4 and datetime.now(UTC) < deadline:  # copied to DuckDB every 0.1 s
        stats = umami.website_stats(start, end, website_id=website)
    assert (stats.pageviews, stats.visitors, stats.visits) == (4, 3, 3)
    assert umami.active_users(website_id=website) == 3

    async def read_async() -> tuple[int, int, int]:
        await umami.login_async("admin", "admin-password-for-tests")
        sites = await umami.websites_async()
        assert website in {site.id for site in sites}
        numbers = await umami.website_stats_async(start, end, website_id=website)
        return numbers.pageviews, numbers.visitors, await umami.active_users_async(website)

    assert asyncio.run(read_async()) == (4, 3, 3)


def test_plain_client_object_sync_and_async_reads_its_own_numbers(server):
    import asyncio
    from datetime import UTC, datetime, timedelta

    website = add_website(server.data_dir, "Object", "object.example", owner="admin")
    client = umami.Client(server.base_url, website_id=website, hostname="object.example")
    answer = client.new_page_view("Home", "/", ip_address="81.2.69.20")
    assert set(answer) == {"cache", "sessionId", "visitId"}

    async def send_async() -> None:
        # stats count visitors over page views, as Umami does, so the second visitor views too.
        await client.new_page_view_async("Docs", "/docs", ip_address="81.2.69.21")
        await client.new_event_async("clicked", ip_address="81.2.69.21")

    asyncio.run(send_async())
    client.login("admin", "admin-password-for-tests")
    start, end = datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC) + timedelta(minutes=1)
    deadline = datetime.now(UTC) + timedelta(seconds=5)
    stats = client.website_stats(start, end)
    while stats.visitors < 2 and datetime.now(UTC) < deadline:
        stats = client.website_stats(start, end)
    assert (stats.pageviews, stats.visitors) == (2, 2)
    assert asyncio.run(client.website_stats_async(start, end)).visitors == 2
    client.close()
