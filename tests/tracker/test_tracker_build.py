"""The committed tracker build matches its source, fits the size budget, is rewritten per setup."""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli

from umami_server.config import Settings
from umami_server.web.tracker import build
from umami_server.web.tracker.serve import script_text

# The budget: smaller than every peer (Umami 2.2 KB, GoatCounter 2.2 KB, Plausible 2.5 KB).
GZIP_BUDGET_BYTES = 2048


def test_committed_build_is_the_minified_source() -> None:
    # If this fails, run scripts/build-tracker and commit tracker.min.js with tracker.js.
    assert build.BUILD.read_text(encoding="utf-8") == build.minified_source()


def test_build_check_command_agrees(capsys) -> None:
    assert build.main(["--check"]) == 0
    assert "matches" in capsys.readouterr().out


def test_served_script_fits_the_gzip_budget(tmp_path: Path) -> None:
    text = script_text(Settings(data_dir=tmp_path)).encode()
    gzipped = len(gzip.compress(text, 9))
    print(f"tracker: {len(text)} B, gzip -9 {gzipped} B, brotli {len(brotli.compress(text))} B")
    assert gzipped <= GZIP_BUDGET_BYTES


def test_source_is_readable_and_build_is_minified() -> None:
    source = build.SOURCE.read_text(encoding="utf-8")
    minified = build.BUILD.read_text(encoding="utf-8")
    assert "const watchPerformance" in source and "watchPerformance" not in minified
    assert minified.count("\n") == 1


def test_collect_endpoint_is_rewritten(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, collect_api_endpoint="/api/collect")
    text = script_text(settings)
    assert '"/api/collect"' in text and "/api/send" not in text


def test_script_in_a_folder_climbs_back_to_the_server_root(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert '"./"' in script_text(settings, "/insights.js")
    assert '"../"' in script_text(settings, "/lib/insights.js")
    assert '"../../"' in script_text(settings, "/a/b/insights.js")
