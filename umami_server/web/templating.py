"""Jinja2 set-up for the dashboard: autoescaped templates, number and time filters, and a
version stamp for static URLs so browsers may cache them for a long time."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


def compact(value: Any) -> str:
    """12 -> 12, 1234 -> 1.2k, 2500000 -> 2.5m."""
    number = float(value or 0)
    for size, suffix in ((1e9, "b"), (1e6, "m"), (1e3, "k")):
        if abs(number) >= size:
            return f"{number / size:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{number:.0f}" if number == int(number) else f"{number:.1f}"


def duration(seconds: Any) -> str:
    """Seconds as 45s, 3m 05s, 1h 02m."""
    total = int(round(float(seconds or 0)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def when(value: Any) -> str:
    """An ISO time (or datetime) as `2025-01-31 14:05`."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else str(value)


def grouped(value: Any) -> str:
    return f"{int(value or 0):,}"


def money(value: Any) -> str:
    """An amount with two decimals and thousands separators: 1234.5 -> 1,234.50."""
    return f"{float(value or 0):,.2f}"


class Templates:
    def __init__(self) -> None:
        self.environment = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html", "svg"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.environment.filters.update(compact=compact, duration=duration, when=when,
                                        grouped=grouped, money=money)
        digest = hashlib.sha256()
        for path in sorted(STATIC.rglob("*")):
            if path.is_file():
                digest.update(path.name.encode() + path.read_bytes())
        self.version = digest.hexdigest()[:10]

    def render(self, name: str, values: dict[str, Any]) -> str:
        return self.environment.get_template(name).render(values)

    def stream(self, name: str, values: dict[str, Any]) -> Iterator[str]:
        """The page in pieces as it renders: values the template reaches late may still be
        computing while the browser shows the top."""
        return self.environment.get_template(name).generate(values)
