"""Background batching from async code (an asyncio task), against a real local server."""

import asyncio
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from local_umami import WEBSITE_ID, LocalUmami

import umami


def batching_client(server: LocalUmami, **batching: float) -> umami.Client:
    options = {"max_size": 50, "interval": 60.0, **batching}
    return umami.Client(
        server.url,
        website_id=WEBSITE_ID,
        hostname="example.com",
        batching=umami.Batching(**options),  # type: ignore[arg-type]
        retry=umami.RetryPolicy(attempts=2, backoff=0.01),
    )


async def test_flush_async_delivers_and_counts(server: LocalUmami) -> None:
    client = batching_client(server)
    for number in range(4):
        assert await client.new_event_async("e", custom_data={"n": number}) == {}
    await client.new_revenue_event_async(3, "EUR")
    await client.new_page_view_async("Home", "/")
    assert client.stats.queued == 6
    assert await client.flush_async(timeout=5)
    assert len(server.requests_to("/api/batch")) == 1
    assert client.stats == umami.DeliveryStats(sent=6)
    await client.aclose()


async def test_size_and_interval_trigger_sends(server: LocalUmami) -> None:
    client = batching_client(server, max_size=2, interval=0.2)
    await client.new_event_async("a")
    await client.new_event_async("b")
    await asyncio.to_thread(server.wait_for_payloads, 2)
    started = time.monotonic()
    await client.new_event_async("c")
    await asyncio.to_thread(server.wait_for_payloads, 3)
    assert time.monotonic() - started >= 0.2
    assert [len(b.json()) for b in server.requests_to("/api/batch")] == [2, 1]
    await client.aclose()


async def test_sending_never_waits_for_a_slow_server(server: LocalUmami) -> None:
    server.hold()
    client = batching_client(server, max_size=1)
    started = time.monotonic()
    for _ in range(100):
        await client.new_event_async("e")
    assert time.monotonic() - started < 0.5
    server.release()
    assert await client.flush_async(timeout=10)
    assert client.stats.sent == 100
    await client.aclose()


async def test_flush_async_times_out_while_the_server_holds(server: LocalUmami) -> None:
    server.hold()
    client = batching_client(server)
    await client.new_event_async("e")
    assert await client.flush_async(timeout=0.2) is False
    server.release()
    assert await client.flush_async(timeout=5) is True
    await client.aclose()


async def test_aclose_delivers_what_is_queued(server: LocalUmami) -> None:
    async with batching_client(server) as client:
        await client.new_event_async("e")
        client.new_event("from sync code")  # the thread side is closed by aclose as well
    assert len(server.accepted_payloads) == 2


def test_events_left_when_asyncio_run_ends_are_delivered(server: LocalUmami) -> None:
    client = batching_client(server)

    async def handle_requests() -> None:
        for number in range(3):
            await client.new_event_async("e", custom_data={"n": number})

    asyncio.run(handle_requests())
    assert [p["data"]["n"] for p in server.accepted_payloads] == [0, 1, 2]
    assert client.stats.sent == 3
    # The next loop gets a new task.
    asyncio.run(handle_requests())
    assert client.stats.sent == 6


def test_events_left_in_a_loop_that_never_ended_go_out_at_exit(server: LocalUmami) -> None:
    script = f"""
        import asyncio
        import umami
        client = umami.Client({server.url!r}, website_id={WEBSITE_ID!r}, hostname="h",
                              batching=umami.Batching(interval=3600))

        async def handle_request():
            await client.new_event_async("left-in-loop")

        loop = asyncio.new_event_loop()
        loop.run_until_complete(handle_request())
        # the loop is neither closed nor shut down: its tasks never finish
    """
    finished = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=20,
        cwd=Path(__file__).parent,
    )
    assert finished.returncode == 0, finished.stderr
    assert [p["name"] for p in server.wait_for_payloads(1)] == ["left-in-loop"]
