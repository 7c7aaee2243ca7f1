"""What the server bounds per connection, tried over raw sockets against the real server process:
body sizes (cut off while reading, for Content-Length and chunked bodies), the size of the request
head, and how long a connection may stay idle or take to send its head."""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.server_process import CHROME_UA, ServerProcess
from umami_server.http_limits import (
    HEAD_TIMEOUT_SECONDS,
    KEEP_ALIVE_SECONDS,
    MAX_HEAD_BYTES,
)

MB = 1024 * 1024
# Growth of the server's peak resident memory that still counts as "flat": far below the sizes
# sent, and above the noise of a few requests.
FLAT_MEMORY_BYTES = 8 * MB


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("limits") / "data").start()
    yield process
    if process.process is not None:
        process.stop()


def _status_kb(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


class PeakMemory:
    """The server's peak resident set size (VmHWM) from now on, in bytes."""

    def __init__(self, server: ServerProcess):
        assert server.process is not None
        self.pid = server.process.pid
        # Writing 5 to clear_refs resets VmHWM to the current RSS (Linux, same user).
        with open(f"/proc/{self.pid}/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
        self.start = _status_kb(self.pid, "VmRSS") * 1024

    def growth(self) -> int:
        return _status_kb(self.pid, "VmHWM") * 1024 - self.start


@dataclass
class RawAnswer:
    status: int | None
    head: str
    body: bytes
    sent: int  # bytes of the request the client got to send


def _parse(raw: bytes, sent: int) -> RawAnswer:
    head, _, body = raw.partition(b"\r\n\r\n")
    words = head.split(b" ", 2)
    status = int(words[1]) if len(words) > 1 and words[1].isdigit() else None
    return RawAnswer(status, head.decode("latin-1"), body, sent)


def _read_answer(sock: socket.socket, sent: int, timeout: float = 20.0) -> RawAnswer:
    sock.settimeout(timeout)
    raw = b""
    try:
        while True:
            piece = sock.recv(65536)
            if not piece:
                break
            raw += piece
            head, separator, body = raw.partition(b"\r\n\r\n")
            if separator and b"content-length:" in head.lower():
                length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                if len(body) >= length:
                    break
    except (ConnectionResetError, TimeoutError):
        pass
    return _parse(raw, sent)


def stream_request(server: ServerProcess, head: bytes, pieces: Iterator[bytes]) -> RawAnswer:
    """Send `head`, then `pieces` one by one until the server answers or stops reading."""
    sock = socket.create_connection(("127.0.0.1", server.port))
    sent = 0
    try:
        sock.sendall(head)
        sent += len(head)
        for piece in pieces:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            try:
                sock.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(piece)
        return _read_answer(sock, sent)
    finally:
        sock.close()


def chunked(total: int, piece: int = 64 * 1024) -> Iterator[bytes]:
    data = b"a" * piece
    for _ in range(total // piece):
        yield b"%x\r\n" % piece + data + b"\r\n"
    yield b"0\r\n\r\n"


def plain(total: int, piece: int = 64 * 1024) -> Iterator[bytes]:
    data = b"a" * piece
    for _ in range(total // piece):
        yield data


def _assert_json_error(answer: RawAnswer, status: int) -> None:
    assert answer.status == status, answer.head
    error = json.loads(answer.body)["error"]
    assert error["status"] == status and error["message"], error


@pytest.mark.parametrize("path, content_type", [
    ("/api/auth/login", "application/json"),
    ("/login", "application/x-www-form-urlencoded"),
    ("/api/send", "application/json"),
    ("/api/batch", "application/json"),
    ("/api/websites", "application/json"),
])
def test_chunked_body_is_cut_off_while_reading(server: ServerProcess, path: str,
                                               content_type: str) -> None:
    total = 50 * MB
    memory = PeakMemory(server)
    head = (f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {content_type}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n").encode()
    answer = stream_request(server, head, chunked(total))
    _assert_json_error(answer, 413)
    # The server answered long before the body ended and did not keep it.
    assert answer.sent < total // 2
    assert memory.growth() < FLAT_MEMORY_BYTES, memory.growth()
    assert httpx.get(f"{server.base_url}/api/heartbeat").status_code == 200


@pytest.mark.parametrize("path", ["/api/auth/login", "/login", "/api/send"])
def test_declared_length_over_the_limit_is_refused_before_reading(server: ServerProcess,
                                                                  path: str) -> None:
    total = 50 * MB
    memory = PeakMemory(server)
    head = (f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            f"Content-Length: {total}\r\n\r\n").encode()
    answer = stream_request(server, head, plain(total))
    _assert_json_error(answer, 413)
    assert answer.sent < total // 2
    assert memory.growth() < FLAT_MEMORY_BYTES, memory.growth()


def test_a_huge_header_is_refused_and_others_are_served_meanwhile(server: ServerProcess) -> None:
    total = 100 * MB
    memory = PeakMemory(server)
    slowest: list[float] = []
    answering = threading.Event()
    stop = threading.Event()

    def heartbeats() -> None:
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            while not stop.is_set():
                began = time.monotonic()
                assert client.get("/api/heartbeat").status_code == 200
                slowest.append(time.monotonic() - began)
                answering.set()
                time.sleep(0.02)

    watcher = threading.Thread(target=heartbeats)
    watcher.start()
    try:
        assert answering.wait(10)
        head = b"GET /api/heartbeat HTTP/1.1\r\nHost: localhost\r\nX-Padding: "
        answer = stream_request(server, head, plain(total))
    finally:
        stop.set()
        watcher.join()
    _assert_json_error(answer, 431)
    assert answer.sent < total // 2
    assert memory.growth() < FLAT_MEMORY_BYTES, memory.growth()
    # Generous: a stalled event loop showed up as seconds.
    assert max(slowest) < 2.0, max(slowest)


def test_many_headers_adding_up_past_the_limit_are_refused(server: ServerProcess) -> None:
    lines = b"".join(b"X-Header-%d: %s\r\n" % (index, b"v" * 1000) for index in range(200))
    head = b"GET /api/heartbeat HTTP/1.1\r\nHost: localhost\r\n" + lines + b"\r\n"
    assert len(head) > MAX_HEAD_BYTES
    answer = stream_request(server, head, iter(()))
    _assert_json_error(answer, 431)


def test_a_long_url_is_refused(server: ServerProcess) -> None:
    head = b"GET /p/" + b"x" * (2 * MAX_HEAD_BYTES) + b" HTTP/1.1\r\nHost: localhost\r\n\r\n"
    answer = stream_request(server, head, iter(()))
    _assert_json_error(answer, 431)


def test_big_but_legal_headers_are_collected(server: ServerProcess, website_id: str) -> None:
    # Real user agents with many tokens reach a few KB; cookies of a site up to ~16 KB.
    user_agent = CHROME_UA + " " + " ".join(f"Plugin{index}/1.{index}" for index in range(300))
    assert len(user_agent) > 3000
    cookie = "; ".join(f"cookie{index}={'c' * 90}" for index in range(160))
    assert len(cookie) > 15000
    answer = httpx.post(
        f"{server.base_url}/api/send",
        headers={"User-Agent": user_agent, "Cookie": cookie, "Referer": "https://example.com/"
                 + "r" * 2000},
        json={"type": "event", "payload": {"website": website_id, "url": "/big-headers",
                                           "hostname": "example.com"}},
        timeout=20,
    )
    assert answer.status_code == 200, answer.text


def test_an_idle_connection_is_closed(server: ServerProcess) -> None:
    sock = socket.create_connection(("127.0.0.1", server.port))
    try:
        sock.settimeout(KEEP_ALIVE_SECONDS + 10)
        began = time.monotonic()
        assert sock.recv(1) == b""  # closed by the server without a word
        assert time.monotonic() - began >= KEEP_ALIVE_SECONDS - 1
    finally:
        sock.close()


def test_a_connection_is_closed_when_idle_after_a_request(server: ServerProcess) -> None:
    sock = socket.create_connection(("127.0.0.1", server.port))
    try:
        sock.sendall(b"GET /api/heartbeat HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert _read_answer(sock, 0).status == 200
        sock.settimeout(KEEP_ALIVE_SECONDS + 10)
        assert sock.recv(1) == b""
    finally:
        sock.close()


def test_a_head_sent_byte_by_byte_is_cut_off(server: ServerProcess) -> None:
    """Trickling a head (slowloris) does not hold a connection beyond the head timeout."""
    sock = socket.create_connection(("127.0.0.1", server.port))
    began = time.monotonic()
    give_up = began + HEAD_TIMEOUT_SECONDS + 10
    answer: RawAnswer | None = None
    try:
        sock.sendall(b"GET /api/heartbeat HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        while answer is None and time.monotonic() < give_up:
            readable, _, _ = select.select([sock], [], [], 0.25)
            try:
                if readable:
                    raise ConnectionResetError
                sock.sendall(b"s")
            except (BrokenPipeError, ConnectionResetError):
                answer = _read_answer(sock, 0, timeout=5)
    finally:
        sock.close()
    assert answer is not None, "the server waited for the whole trickled head"
    _assert_json_error(answer, 408)
