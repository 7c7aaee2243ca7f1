"""Umami's JSON error envelope, shared by every route: {"error": {"message", "code", "status"}}."""

from __future__ import annotations

from typing import Any


def error_body(message: str, code: str, status: int, **extra: Any) -> dict[str, Any]:
    return {"error": {"message": message, "code": code, "status": status, **extra}}
