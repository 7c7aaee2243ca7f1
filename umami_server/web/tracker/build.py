"""Minifies tracker.js into tracker.min.js (run by `scripts/build-tracker`; not needed at run time).

The minifier is tdewolff-minify, a Go minifier shipped as a Python wheel, so building needs no
Node project. `--check` exits non-zero when the committed build is not what the source gives.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

SOURCE = Path(__file__).with_name("tracker.js")
BUILD = Path(__file__).with_name("tracker.min.js")

# The syntax the minifier may use: what the source itself needs (object spread, optional catch
# binding), and no newer, so the build runs wherever the readable source would.
JS_VERSION = 2019


def minified_source(source: str | None = None) -> str:
    """The minified text of `source` (default: tracker.js), exactly as it is committed."""
    try:
        import minify  # tdewolff-minify: a development dependency only
    except ImportError as error:
        raise SystemExit(
            "building the tracker needs the minifier: pip install 'tdewolff-minify==2.24.12'"
        ) from error
    minify.config({"js-version": JS_VERSION})
    text = SOURCE.read_text(encoding="utf-8") if source is None else source
    return minify.string("application/javascript", text) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build-tracker", description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="only verify that tracker.min.js is up to date"
    )
    arguments = parser.parse_args(argv)
    built = minified_source()
    if arguments.check:
        if BUILD.read_text(encoding="utf-8") != built:
            print(f"{BUILD} is stale: run scripts/build-tracker", file=sys.stderr)
            return 1
        print(f"{BUILD.name} matches {SOURCE.name}")
        return 0
    BUILD.write_text(built, encoding="utf-8")
    print(f"wrote {BUILD} ({len(built.encode())} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
