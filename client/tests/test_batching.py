"""Background batching from sync code (a thread), against a real local server."""

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from local_umami import OTHER_WEBSITE_ID, UNKNOWN_WEBSITE_ID, WEBSITE_ID, Answer, LocalUmami

import umami
from umami.errors import ValidationError


def batching_client(server: LocalUmami, **batching: float) -> umami.Client:
    options = {"max_size": 50, "interval": 60.0, **batching}
    return umami.Client(
        server.url,
        website_id=WEBSITE_ID,
        hostname="example.com",
        batching=umami.Batching(**options),  # type: ignore[arg-type]
        retry=umami.RetryPolicy(attempts=3, backoff=0.01, max_backoff=0.05),
    )


def test_a_full_batch_goes_out_without_waiting(server: LocalUmami) -> None:
    client = batching_client(server, max_size=3)
    for number in range(3):
        assert client.new_event(f"e{number}") == {}
    server.wait_for_payloads(3)
    (batch,) = server.requests_to("/api/batch")
    assert [item["payload"]["name"] for item in batch.json()] == ["e0", "e1", "e2"]
    assert all(item["type"] == "event" for item in batch.json())
    assert server.requests_to("/api/send") == []
    client.close()


def test_a_partial_batch_goes_out_after_the_interval(server: LocalUmami) -> None:
    client = batching_client(server, interval=0.2)
    started = time.monotonic()
    client.new_page_view("Home", "/")
    server.wait_for_payloads(1)
    assert time.monotonic() - started >= 0.2
    client.close()


def test_flush_delivers_now_and_counts(server: LocalUmami) -> None:
    client = batching_client(server)
    for number in range(5):
        client.new_event("e", custom_data={"n": number})
    assert client.stats.queued == 5
    assert client.flush(timeout=5) is True
    assert [p["data"]["n"] for p in server.accepted_payloads] == [0, 1, 2, 3, 4]
    assert client.stats == umami.DeliveryStats(sent=5)
    client.close()


def test_sending_never_waits_for_a_slow_server(server: LocalUmami) -> None:
    server.hold()
    client = batching_client(server, max_size=1)
    started = time.monotonic()
    for _ in range(200):
        client.new_event("e")
    assert time.monotonic() - started < 0.5
    server.wait_for_requests("/api/batch", 1)
    server.release()
    assert client.flush(timeout=10)
    assert client.stats.sent == 200
    client.close()


def test_a_full_queue_drops_new_events(server: LocalUmami) -> None:
    server.hold()
    client = batching_client(server, max_size=2, queue_size=4)
    for _ in range(10):
        client.new_event("e")
    assert client.stats.dropped == 6
    assert client.stats.last_error == "queue full"
    server.release()
    assert client.flush(timeout=5)
    assert client.stats.sent == 4
    client.close()


def test_events_the_server_refuses_are_counted_as_failed(server: LocalUmami) -> None:
    client = batching_client(server)
    client.new_event("ok")
    client.new_event("lost", website_id=UNKNOWN_WEBSITE_ID)
    client.flush(timeout=5)
    stats = client.stats
    assert (stats.sent, stats.failed) == (1, 1)
    assert stats.last_error is not None and "Website not found." in stats.last_error
    client.close()


def test_a_batch_refused_as_a_whole_is_counted_as_failed(server: LocalUmami) -> None:
    server.answer_next("/api/batch", Answer(500, {"error": {"message": "Server error"}}))
    client = batching_client(server)
    client.new_event("a")
    client.new_event("b")
    client.flush(timeout=5)
    assert (client.stats.sent, client.stats.failed) == (0, 2)
    client.close()


def test_batches_are_split_by_user_agent_and_website(server: LocalUmami) -> None:
    client = batching_client(server)
    client.new_page_view("A", "/a", ua="Visitor/1")
    client.new_page_view("B", "/b", ua="Visitor/2")
    client.new_page_view("C", "/c", ua="Visitor/1", website_id=OTHER_WEBSITE_ID)
    client.new_event("event")
    client.flush(timeout=5)
    batches = server.requests_to("/api/batch")
    seen = sorted(
        (batch.headers["user-agent"], [item["payload"]["url"] for item in batch.json()])
        for batch in batches
    )
    assert seen == [
        (umami.impl.event_user_agent, ["/"]),
        ("Visitor/1", ["/a", "/c"]),
        ("Visitor/2", ["/b"]),
    ]
    assert all(b.headers["content-type"] == "application/json" for b in batches)
    client.close()


def test_servers_without_a_batch_endpoint_get_single_sends(server: LocalUmami) -> None:
    server.has_batch_endpoint = False
    client = batching_client(server)
    client.new_event("a")
    client.new_event("b")
    client.flush(timeout=5)
    client.new_event("c")
    client.flush(timeout=5)
    assert len(server.requests_to("/api/batch")) == 1  # asked once, then remembered
    assert len(server.requests_to("/api/send")) == 3
    assert client.stats.sent == 3
    client.close()


def test_queued_events_are_stamped_and_snapshotted(server: LocalUmami) -> None:
    client = batching_client(server)
    data = {"step": 1}
    before = int(time.time())
    client.new_event("e", custom_data=data)
    data["step"] = 2
    client.flush(timeout=5)
    (payload,) = server.accepted_payloads
    assert payload["data"] == {"step": 1}
    assert before <= payload["timestamp"] <= int(time.time())
    client.close()


def test_argument_errors_still_raise_and_bad_data_is_counted(server: LocalUmami) -> None:
    client = batching_client(server)
    with pytest.raises(ValidationError):
        client.new_event("")
    with pytest.raises(ValidationError):
        client.new_revenue_event(-1)
    assert client.new_event("e", custom_data={"when": object()}) == {}
    assert client.stats.failed == 1
    assert client.stats.last_error is not None and "not JSON" in client.stats.last_error
    client.close()


def test_disabled_client_queues_nothing(server: LocalUmami) -> None:
    client = batching_client(server)
    client.disable()
    client.new_event("e")
    assert client.stats.queued == 0
    client.close()


def test_close_gives_up_after_its_timeout(server: LocalUmami) -> None:
    server.hold()
    client = batching_client(server, max_size=2)
    for _ in range(5):
        client.new_event("e")
    server.wait_for_requests("/api/batch", 1)
    started = time.monotonic()
    client.close(timeout=0.2)
    assert time.monotonic() - started < 2
    assert client.stats.dropped == 3  # the in-flight batch of 2 is still being sent
    server.release()


def test_events_queued_at_interpreter_exit_are_delivered(server: LocalUmami) -> None:
    script = f"""
        import umami
        client = umami.Client({server.url!r}, website_id={WEBSITE_ID!r}, hostname="h",
                              batching=umami.Batching(interval=3600))
        for number in range(3):
            client.new_event("at-exit", custom_data={{"n": number}})
        print(client.stats.queued)
    """
    finished = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=20,
        cwd=Path(__file__).parent,
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == "3"
    assert [p["data"]["n"] for p in server.wait_for_payloads(3)] == [0, 1, 2]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_starts_with_its_own_queue_and_connections(server: LocalUmami) -> None:
    script = f"""
        import os
        import umami
        client = umami.Client({server.url!r}, website_id={WEBSITE_ID!r}, hostname="h",
                              batching=umami.Batching(interval=3600))
        client.new_event("parent-before-fork")
        client.flush(timeout=5)
        client.new_event("parent-queued")
        pid = os.fork()
        if pid == 0:
            client.new_event("child")
            client.flush(timeout=5)
            os._exit(0 if client.stats.sent == 2 and client.stats.queued == 0 else 1)
        _, status = os.waitpid(pid, 0)
        client.close()
        raise SystemExit(os.waitstatus_to_exitcode(status))
    """
    finished = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=20,
        cwd=Path(__file__).parent,
    )
    assert finished.returncode == 0, finished.stderr
    names = sorted(payload["name"] for payload in server.wait_for_payloads(3))
    assert names == ["child", "parent-before-fork", "parent-queued"]
