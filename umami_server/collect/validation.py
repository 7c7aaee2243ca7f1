"""Validation of `/api/send` bodies, with errors shaped as Umami's tree (errors/properties)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from umami_server.enrich.urls import is_valid_url

# zod 4's UUID rule: RFC variants 1-8, plus the all-zero and all-f ids.
_UUID_PATTERN = re.compile(
    r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
    r"|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$",
    re.IGNORECASE,
)
SOURCE_FIELDS = ("website", "link", "pixel")
TYPE_OPTIONS_MESSAGE = 'Invalid option: expected one of "event"|"identify"|"performance"'
EXACTLY_ONE_SOURCE_MESSAGE = "Exactly one of website, link, or pixel must be provided"


def js_type_name(value: Any) -> str:
    """The type word zod uses in messages for a decoded JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _uuid(value: Any) -> Any:
    if isinstance(value, str) and not _UUID_PATTERN.match(value):
        raise PydanticCustomError("uuid", "Invalid UUID")
    return value


def _url(value: Any) -> Any:
    if isinstance(value, str) and not is_valid_url(value):
        raise PydanticCustomError("url", "Invalid URL.")
    return value


def _timestamp(value: Any) -> int:
    # Coerced like JavaScript's Number(): numeric strings count; "" and null mean "not given".
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise PydanticCustomError(
                "timestamp", "Invalid input: expected number, received NaN"
            ) from None
    if not isinstance(value, int | float):
        raise PydanticCustomError(
            "timestamp", "Invalid input: expected number, received {kind}",
            {"kind": js_type_name(value)},
        )
    if isinstance(value, float):
        if not value.is_integer():
            raise PydanticCustomError("timestamp", "Invalid input: expected int, received number")
        value = int(value)
    if value < 0 or value > 253402300799:  # after year 9999 no date exists to store
        raise PydanticCustomError("timestamp", "Timestamp is out of range")
    return value


_EXPECTED_KIND = {
    "data": "record", "lcp": "number", "inp": "number", "fcp": "number", "ttfb": "number",
    "cls": "number",
}

UuidText = Annotated[str, BeforeValidator(_uuid)]
UrlText = Annotated[str, BeforeValidator(_url)]
VitalMs = Annotated[float, Strict(), Field(ge=0, le=60000)]


class SendPayload(BaseModel):
    model_config = ConfigDict(extra="ignore")

    # Absent fields are None; an explicit null is rejected before this model runs (see
    # `_null_problems`), as Umami does.
    website: UuidText | None = None
    link: UuidText | None = None
    pixel: UuidText | None = None
    data: dict[str, Any] | None = None
    hostname: Annotated[str, Field(max_length=100)] | None = None
    language: Annotated[str, Field(max_length=35)] | None = None
    referrer: UrlText | None = None
    screen: Annotated[str, Field(max_length=11)] | None = None
    title: str | None = None
    url: UrlText | None = None
    name: Annotated[str, Field(max_length=50)] | None = None
    tag: Annotated[str, Field(max_length=50)] | None = None
    ip: str | None = None
    userAgent: str | None = None  # noqa: N815 - wire name
    timestamp: Annotated[int, BeforeValidator(_timestamp)] = 0
    id: str | None = None
    browser: str | None = None
    os: str | None = None
    device: str | None = None
    lcp: VitalMs | None = None
    inp: VitalMs | None = None
    fcp: VitalMs | None = None
    ttfb: VitalMs | None = None
    cls: Annotated[float, Strict(), Field(ge=0, le=100)] | None = None

    @property
    def source_id(self) -> str:
        return self.website or self.link or self.pixel or ""


_NON_NULLABLE = frozenset(SendPayload.model_fields) - {"timestamp"}


class SendBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: Literal["event", "identify", "performance"]
    payload: SendPayload


def _js_number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _message(error: Any) -> str:
    kind = error["type"]
    value = error.get("input")
    context = error.get("ctx") or {}
    location = error["loc"]
    if kind == "missing":
        if location == ("type",):
            return TYPE_OPTIONS_MESSAGE
        if location == ("payload",):
            return "Invalid input: expected object, received undefined"
        return "Invalid input: expected a value, received undefined"
    if kind == "literal_error":
        return TYPE_OPTIONS_MESSAGE
    if kind == "string_too_long":
        return f"Too big: expected string to have <={context.get('max_length')} characters"
    if kind == "less_than_equal":
        return f"Too big: expected number to be <={_js_number(context.get('le'))}"
    if kind == "greater_than_equal":
        return f"Too small: expected number to be >={_js_number(context.get('ge'))}"
    if kind == "string_type":
        return f"Invalid input: expected string, received {js_type_name(value)}"
    if kind in ("float_type", "int_type", "float_parsing", "finite_number"):
        return f"Invalid input: expected number, received {js_type_name(value)}"
    if kind == "dict_type":
        return f"Invalid input: expected record, received {js_type_name(value)}"
    if kind == "model_type":
        return f"Invalid input: expected object, received {js_type_name(value)}"
    return str(error["msg"])


def error_tree(problems: list[tuple[tuple[str | int, ...], str]]) -> dict[str, Any]:
    """Nest (location, message) pairs the way zod's treeifyError does."""
    root: dict[str, Any] = {"errors": []}
    for location, message in problems:
        node = root
        for part in location:
            properties = node.setdefault("properties", {})
            node = properties.setdefault(str(part), {"errors": []})
        node["errors"].append(message)
    return root


class InvalidSendBody(Exception):
    def __init__(self, tree: dict[str, Any]):
        super().__init__("invalid send body")
        self.tree = tree


def _null_problems(payload: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    # Only `timestamp` may be null (it means "now"); every other known field must have a value.
    return [
        (("payload", name), f"Invalid input: expected {_EXPECTED_KIND.get(name, 'string')}, "
                            "received null")
        for name, value in payload.items()
        if value is None and name in _NON_NULLABLE
    ]


def parse_send_body(body: Any) -> SendBody:
    """Validate one decoded JSON body (None when undecodable); raise InvalidSendBody otherwise."""
    if not isinstance(body, dict):
        raise InvalidSendBody(
            error_tree([((), f"Invalid input: expected object, received "
                             f"{'undefined' if body is None else js_type_name(body)}")])
        )
    problems: list[tuple[tuple[str | int, ...], str]] = []
    parsed: SendBody | None = None
    try:
        parsed = SendBody.model_validate(body)
    except ValidationError as error:
        problems = [(tuple(item["loc"]), _message(item)) for item in error.errors()]
    payload = body.get("payload")
    if isinstance(payload, dict):
        nulls = _null_problems(payload)
        if nulls:
            reported = {location for location, _ in nulls}
            problems = [item for item in problems if item[0] not in reported] + nulls
        # Umami checks the source rule even when a source field already failed.
        if sum(bool(payload.get(name)) for name in SOURCE_FIELDS) != 1:
            problems.append((("payload", "website"), EXACTLY_ONE_SOURCE_MESSAGE))
    if problems or parsed is None:
        raise InvalidSendBody(error_tree(problems))
    return parsed
