"""Request schemas: field types that fail with zod's messages, and parsing into the 400 envelope.

Umami validates with zod; clients that show its messages expect the same words. Every field
type below checks its value in a before-validator and raises zod's message itself, so mapping a
pydantic error back is a lookup, not a translation. Unknown keys are dropped, as zod does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from umami_server.api.transport import bad_request
from umami_server.collect.validation import error_tree, js_type_name

Model = TypeVar("Model", bound=BaseModel)

# zod 4's UUID rule: RFC variants 1-8, plus the all-zero and all-f ids.
_UUID = re.compile(
    r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
    r"|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Expect:
    """What a field expects, for the message when it is missing: "string", "number", ..."""

    kind: str


class Schema(BaseModel):
    """Base of every request schema: unknown keys are ignored."""

    model_config = ConfigDict(extra="ignore")


def _fail(template: str, **context: Any) -> PydanticCustomError:
    return PydanticCustomError("zod", template, context)


def _received(value: Any) -> str:
    return "undefined" if value is None else js_type_name(value)


def _type_error(kind: str, value: Any) -> PydanticCustomError:
    return _fail(f"Invalid input: expected {kind}, received {js_type_name(value)}")


def _allow_null(check: Callable[[Any], Any], nullable: bool, kind: str) -> Callable[[Any], Any]:
    def validate(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise _fail(f"Invalid input: expected {kind}, received null")
        return check(value)

    return validate


def text(max_length: int | None = None, min_length: int = 0, nullable: bool = False) -> Any:
    """A JSON string (never coerced), with zod's length messages."""

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise _type_error("string", value)
        if len(value) < min_length:
            raise _fail(f"Too small: expected string to have >={min_length} characters")
        if max_length is not None and len(value) > max_length:
            raise _fail(f"Too big: expected string to have <={max_length} characters")
        return value

    return Annotated[str | None, Expect("string"),
                     BeforeValidator(_allow_null(check, nullable, "string"))]


def uuid_text(nullable: bool = False) -> Any:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise _type_error("string", value)
        if not _UUID.match(value):
            raise _fail("Invalid UUID")
        return value.lower()

    return Annotated[str | None, Expect("string"),
                     BeforeValidator(_allow_null(check, nullable, "string"))]


def one_of(*options: str, nullable: bool = False) -> Any:
    message = "Invalid option: expected one of " + "|".join(f'"{item}"' for item in options)

    def check(value: Any) -> str:
        if value not in options or not isinstance(value, str):
            raise _fail(message)
        return value

    def validate(value: Any) -> Any:
        if value is None and nullable:
            return None
        return check(value)

    return Annotated[str | None, Expect(message), BeforeValidator(validate)]


def boolean(nullable: bool = False) -> Any:
    def check(value: Any) -> bool:
        if not isinstance(value, bool):
            raise _type_error("boolean", value)
        return value

    return Annotated[bool | None, Expect("boolean"),
                     BeforeValidator(_allow_null(check, nullable, "boolean"))]


def json_object(nullable: bool = False) -> Any:
    def check(value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _type_error("object", value)
        return value

    return Annotated[dict[str, Any] | None, Expect("object"),
                     BeforeValidator(_allow_null(check, nullable, "object"))]


def number(minimum: float | None = None, maximum: float | None = None,
           integer: bool = False, positive: bool = False, coerce: bool = False) -> Any:
    """A number; `coerce` turns strings into numbers the way z.coerce.number() does."""

    def check(value: Any) -> float | int:
        if coerce and isinstance(value, str):
            try:
                value = float(value.strip()) if value.strip() else 0.0
            except ValueError:
                raise _fail("Invalid input: expected number, received NaN") from None
            if math.isnan(value):
                raise _fail("Invalid input: expected number, received NaN")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _type_error("number", value)
        if isinstance(value, float) and math.isinf(value):
            raise _fail("Invalid input: expected number, received number")
        if integer:
            if isinstance(value, float) and not value.is_integer():
                raise _fail("Invalid input: expected int, received number")
            value = int(value)
        if positive and value <= 0:
            raise _fail("Too small: expected number to be >0")
        if minimum is not None and value < minimum:
            raise _fail(f"Too small: expected number to be >={_plain(minimum)}")
        if maximum is not None and value > maximum:
            raise _fail(f"Too big: expected number to be <={_plain(maximum)}")
        return value

    return Annotated[float | int | None, Expect("number"),
                     BeforeValidator(_allow_null(check, False, "number"))]


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def any_value() -> Any:
    return Annotated[Any, Expect("any")]


def _missing_message(model: type[BaseModel], location: tuple[str | int, ...]) -> str:
    field = model.model_fields.get(str(location[0])) if len(location) == 1 else None
    expect = next((item for item in (field.metadata if field else []) if isinstance(item, Expect)),
                  None)
    if expect is None:
        return "Invalid input: expected a value, received undefined"
    if expect.kind.startswith("Invalid option"):
        return expect.kind
    return f"Invalid input: expected {expect.kind}, received undefined"


def parse(model: type[Model], data: Any) -> Model:
    """Validate decoded JSON (None = absent or unreadable) or query values against `model`."""
    if not isinstance(data, dict):
        raise bad_request(**error_tree(
            [((), f"Invalid input: expected object, received {_received(data)}")]
        ))
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        for item in error.errors():
            location = tuple(item["loc"])
            if item["type"] == "missing":
                problems.append((location, _missing_message(model, location)))
            elif item["type"] in ("model_type", "model_attributes_type", "dict_type"):
                problems.append(
                    (location, f"Invalid input: expected object, received "
                               f"{js_type_name(item.get('input'))}")
                )
            elif item["type"] == "list_type":
                problems.append(
                    (location, f"Invalid input: expected array, received "
                               f"{js_type_name(item.get('input'))}")
                )
            else:
                problems.append((location, str(item["msg"])))
        raise bad_request(**error_tree(problems)) from None


# Types shared by many schemas.
PositiveInt = number(integer=True, positive=True, coerce=True)


class PageQuery(Schema):
    """`page` and `pageSize` of every paged list."""

    page: PositiveInt = 1
    pageSize: PositiveInt = 20  # noqa: N815 - wire name


class SearchPageQuery(PageQuery):
    search: text() = None
    # Not in Umami 3.1's schemas (it ignores them); honoured here for older API clients.
    orderBy: text() = None  # noqa: N815 - wire name
    sortDescending: text() = None  # noqa: N815 - wire name
