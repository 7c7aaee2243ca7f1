"""A built wheel carries the files the server reads at run time, not only Python modules."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_tracker_build_and_web_assets(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
         "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    (wheel,) = tmp_path.glob("umami_server-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "umami_server/web/tracker/tracker.min.js" in names
    packaged_assets = {
        str(path.relative_to(ROOT)).replace("\\", "/")
        for folder in ("umami_server/web/templates", "umami_server/web/static")
        if (ROOT / folder).is_dir()
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert packaged_assets <= names
