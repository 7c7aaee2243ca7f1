"""Prints what the tracker costs a visitor: raw, gzip -9 and brotli sizes of the served script.

Run: .venv/bin/python bench/tracker_size.py  (the budget is enforced by tests/tracker).
"""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

from umami_server.config import Settings
from umami_server.web.tracker.serve import script_text

# Published gzipped sizes of the peers' scripts, from the issue that set our budget (#8).
PEERS_GZIP_KB = {"Umami 3.1": 2.2, "GoatCounter": 2.2, "Plausible": 2.5}


def main() -> None:
    import brotli

    with tempfile.TemporaryDirectory() as data_dir:
        text = script_text(Settings(data_dir=Path(data_dir))).encode()
    sizes = {
        "raw": len(text),
        "gzip -9": len(gzip.compress(text, 9)),
        "brotli 11": len(brotli.compress(text, quality=11)),
    }
    for name, size in sizes.items():
        print(f"umami-server tracker, {name:>9}: {size:5d} B ({size / 1024:.2f} KB)")
    for name, kilobytes in PEERS_GZIP_KB.items():
        print(f"{name:>27}, gzip: {kilobytes:.1f} KB")


if __name__ == "__main__":
    main()
