"""Client benchmark: events per second from the `umami` client against a real local server.

Compares, in the same run and against the same server, (a) one `new_event` call per event (the
drop-in module function: one POST /api/send each, waiting for the answer) and (b) a `Client`
with background batching (POST /api/batch), timed until the server has stored every event.

    python bench/client.py [--events 3000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import umami  # noqa: E402

from tests.server_process import ServerProcess  # noqa: E402
from umami_server.storage.embedded.store import METADATA_FILE  # noqa: E402
from umami_server.storage.metadata_store import MetadataStore  # noqa: E402


def per_call(base_url: str, website: str, events: int) -> float:
    umami.set_url_base(base_url)
    umami.set_website_id(website)
    umami.set_hostname("bench.example")
    started = time.perf_counter()
    for index in range(events):
        umami.new_event("per-call", custom_data={"i": index})
    return events / (time.perf_counter() - started)


def batched(base_url: str, website: str, events: int) -> tuple[float, float]:
    """(events/s until flushed, seconds the caller spent queueing all events)."""
    client = umami.Client(base_url, website_id=website, hostname="bench.example",
                          batching=umami.Batching(max_size=100, interval=0.5))
    started = time.perf_counter()
    for index in range(events):
        client.new_event("batched", custom_data={"i": index})
    queued = time.perf_counter() - started
    client.flush(timeout=120)
    elapsed = time.perf_counter() - started
    stats = client.stats
    client.close()
    if stats.sent != events:
        raise RuntimeError(f"batched sender delivered {stats.sent} of {events}: {stats}")
    return events / elapsed, queued


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="umami-client-bench-")) / "data"
    data_dir.mkdir(parents=True)
    metadata = MetadataStore.open_sqlite(data_dir / METADATA_FILE)
    website = metadata.create_website("Client bench", "bench.example")["website_id"]
    metadata.close()
    server = ServerProcess(data_dir).start()
    single: list[float] = []
    grouped: list[float] = []
    caller_ms: list[float] = []
    try:
        for _ in range(options.runs):
            single.append(per_call(server.base_url, website, options.events))
            rate, queued = batched(server.base_url, website, options.events)
            grouped.append(rate)
            caller_ms.append(queued / options.events * 1000)
    finally:
        server.stop()
    stored = server.rows("SELECT count(*) FROM website_event")[0][0]
    expected = 2 * options.runs * options.events
    print(f"events={options.events} runs={options.runs}")
    print(f"(a) one call per event : {statistics.median(single):8.0f} events/s  "
          f"runs: {', '.join(format(value, '.0f') for value in single)}")
    print(f"(b) batched background : {statistics.median(grouped):8.0f} events/s  "
          f"runs: {', '.join(format(value, '.0f') for value in grouped)}  "
          f"caller time per event {statistics.median(caller_ms):.3f} ms")
    print(f"ratio batched/per-call : {statistics.median(grouped) / statistics.median(single):.1f}")
    print(f"stored {stored} of {expected} events")


if __name__ == "__main__":
    main()
