"""Ingest benchmark: POST /api/send on a real server over loopback, against a bare endpoint.

Starts `umami-server serve` on a fresh data directory and, in the same run, a bare raw-ASGI app
on the same HTTP server stack (uvicorn, uvloop, httptools, one worker) that only reads the body
and replies. Both are driven by `wrk` (C, so the load generator costs little of the two cores)
with realistic browser user agents and a different X-Forwarded-For per request. Prints req/s,
p50/p99 and the ratio pipeline / bare.

    python bench/ingest.py [--connections 64] [--seconds 10] [--runs 3]

Needs `wrk` (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server_process import ServerProcess, free_port  # noqa: E402
from umami_server.storage.embedded.store import METADATA_FILE  # noqa: E402
from umami_server.storage.metadata_store import MetadataStore  # noqa: E402

USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
]
PATHS = ["/", "/pricing", "/blog/how-we-count", "/docs/install?ref=nav", "/about#team"]

WRK_SCRIPT = """
local agents = %(agents)s
local paths = %(paths)s
local website = "%(website)s"
local counter = 0
request = function()
  counter = counter + 1
  local ua = agents[(counter %% #agents) + 1]
  local path = paths[(counter %% #paths) + 1]
  local ip = string.format("%%d.%%d.%%d.%%d", 20 + (counter %% 200), (counter * 7) %% 256,
                           (counter * 13) %% 256, 1 + (counter %% 250))
  local body = '{"type":"event","payload":{"website":"' .. website ..
    '","hostname":"example.com","language":"en-US","screen":"1920x1080","url":"' .. path ..
    '","title":"Example page","referrer":"https://www.google.com/search?q=analytics"}}'
  return wrk.format("POST", "/api/send", {
    ["Content-Type"] = "application/json",
    ["User-Agent"] = ua,
    ["X-Forwarded-For"] = ip,
  }, body)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status, summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
"""

BARE_APP = '''
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"ok":true}'})
'''


def lua_list(items: list[str]) -> str:
    return "{" + ", ".join(json.dumps(item) for item in items) + "}"


def run_wrk(url: str, script: Path, connections: int, seconds: int) -> dict[str, float]:
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", str(script),
         url],
        capture_output=True, text=True, check=True,
    ).stdout
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", output)
    if not match:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    requests, duration_us, p50_us, p99_us, status_errors, socket_errors = map(int, match.groups())
    return {
        "rps": requests / (duration_us / 1e6),
        "p50_ms": p50_us / 1000,
        "p99_ms": p99_us / 1000,
        "non_2xx": status_errors,
        "socket_errors": socket_errors,
        "requests": requests,
    }


def start_bare_server(workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    (workdir / "bare_app.py").write_text(BARE_APP)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bare_app:app", "--port", str(port), "--loop", "uvloop",
         "--http", "httptools", "--no-access-log", "--log-level", "warning"],
        cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            httpx.post(f"http://127.0.0.1:{port}/", content=b"{}", timeout=1)
            return process, port
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError("bare server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="umami-bench-"))
    data_dir = workdir / "data"
    data_dir.mkdir()
    metadata = MetadataStore.open_sqlite(data_dir / METADATA_FILE)
    website = metadata.create_website("Bench", "example.com")["website_id"]
    metadata.close()
    script = workdir / "send.lua"
    script.write_text(WRK_SCRIPT % {
        "agents": lua_list(USER_AGENTS), "paths": lua_list(PATHS), "website": website})

    server = ServerProcess(data_dir, {"UMAMI_COPY_INTERVAL_MS": "500",
                                      "DUCKDB_THREADS": str(os.cpu_count() or 2)}).start()
    bare, bare_port = start_bare_server(workdir)
    results: dict[str, list[dict[str, float]]] = {"pipeline": [], "bare": []}
    try:
        # Warm caches (UA parse, salts, website lookup) before measuring.
        run_wrk(server.base_url, script, 8, 2)
        for _ in range(options.runs):
            # Alternate the two so drift on a noisy machine hits both alike.
            results["pipeline"].append(
                run_wrk(server.base_url, script, options.connections, options.seconds))
            results["bare"].append(run_wrk(
                f"http://127.0.0.1:{bare_port}", script, options.connections, options.seconds))
    finally:
        bare.terminate()
        bare.wait(10)
        server.stop()
    stored = server.rows("SELECT count(*) FROM website_event")[0][0]
    acknowledged = sum(run["requests"] - run["non_2xx"] for run in results["pipeline"])
    warmup_bound = stored - acknowledged

    def median(name: str, key: str) -> float:
        values = sorted(run[key] for run in results[name])
        return values[len(values) // 2]

    print(f"connections={options.connections} seconds={options.seconds} runs={options.runs}")
    for name in ("pipeline", "bare"):
        print(f"{name:9s} req/s median {median(name, 'rps'):8.0f}  "
              f"p50 {median(name, 'p50_ms'):6.2f} ms  p99 {median(name, 'p99_ms'):6.2f} ms  "
              f"non-2xx {sum(run['non_2xx'] for run in results[name])}  "
              f"socket errors {sum(run['socket_errors'] for run in results[name])}  "
              f"runs: {', '.join(format(run['rps'], '.0f') for run in results[name])}")
    print(f"ratio pipeline/bare: {median('pipeline', 'rps') / median('bare', 'rps'):.2f}")
    print(f"stored events: {stored} (acknowledged in measured runs: {acknowledged}, "
          f"warm-up: {warmup_bound})")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
