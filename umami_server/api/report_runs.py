"""Running reports: `POST /api/reports/{funnel,journey,...}` (api-analytics.md §4).

Each type has its own `parameters` schema (the body's `type` must name the report of the URL).
Bad input is a 400 before authentication; then the caller must be allowed to view the website.
The reports themselves live in `umami_server.queries.reports`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, model_validator
from pydantic_core import PydanticCustomError

from umami_server.api.services import ApiServices, require
from umami_server.api.transport import ApiCall, ApiRouter, bad_request
from umami_server.api.validation import Expect, Schema, json_object, number, one_of, text, uuid_text
from umami_server.auth import permissions as can
from umami_server.collect.validation import js_type_name
from umami_server.queries.errors import QueryError
from umami_server.queries.reports import (
    attribution,
    breakdown,
    funnel,
    goal,
    journey,
    performance,
    retention,
    revenue,
    utm,
)
from umami_server.queries.reports.base import instant, report_request
from umami_server.queries.request import AnalyticsRequest, reset_at_of
from umami_server.queries.segments import SegmentLookup
from umami_server.storage.interface import EventStore, InvalidQuery

logger = logging.getLogger("umami_server.api")

router = ApiRouter()


def _zod(message: str) -> PydanticCustomError:
    return PydanticCustomError("zod", message, {})


def date_value() -> Any:
    """`z.coerce.date()`: an ISO string or milliseconds since the epoch."""

    def check(value: Any) -> datetime:
        if value is None or isinstance(value, bool) or not isinstance(value, str | int | float):
            raise _zod("Invalid input: expected date, received "
                       + ("undefined" if value is None else js_type_name(value)))
        try:
            return instant(value, "date")
        except QueryError:
            raise _zod("Invalid input: expected date, received Date") from None

    return Annotated[datetime, Expect("date"), BeforeValidator(check)]


def array_of(item: Any, minimum: int = 0, maximum: int | None = None) -> Any:
    def is_list(value: Any) -> Any:
        if not isinstance(value, list):
            raise _zod(f"Invalid input: expected array, received {js_type_name(value)}")
        return value

    def size(value: list[Any]) -> list[Any]:
        if len(value) < minimum:
            raise _zod(f"Too small: expected array to have >={minimum} items")
        if maximum is not None and len(value) > maximum:
            raise _zod(f"Too big: expected array to have <={maximum} items")
        return value

    return Annotated[list[item], Expect("array"), BeforeValidator(is_list),  # type: ignore[valid-type]
                     AfterValidator(size)]


class DateRange(Schema):
    startDate: date_value()  # noqa: N815 - wire name
    endDate: date_value()  # noqa: N815

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.endDate < self.startDate:
            raise _zod("endDate must not be before startDate")
        return self


class Bucketed(DateRange):
    unit: text() = None
    timezone: text() = None


class StepFilter(Schema):
    property: text(min_length=1)
    operator: one_of("eq", "neq", "c", "dnc")
    value: text()


class FunnelStep(Schema):
    type: one_of("path", "event")
    value: text(min_length=1)
    filters: array_of(StepFilter) = None


class FunnelParameters(DateRange):
    window: number(positive=True, coerce=True)
    steps: array_of(FunnelStep, 2, 8)


class JourneyParameters(DateRange):
    steps: number(integer=True, minimum=2, maximum=7, coerce=True)
    startStep: text() = None  # noqa: N815
    endStep: text() = None  # noqa: N815
    eventType: number(integer=True, positive=True, coerce=True) = None  # noqa: N815


class RetentionParameters(DateRange):
    timezone: text() = None


class GoalParameters(DateRange):
    type: text(min_length=1)
    value: text(min_length=1)


class RevenueParameters(Bucketed):
    currency: text(min_length=1)
    compare: one_of("prev", "yoy") = None


class AttributionParameters(DateRange):
    model: one_of(*attribution.MODELS)
    type: one_of("path", "event")
    step: text(min_length=1)
    currency: text() = None


class BreakdownParameters(DateRange):
    fields: array_of(one_of(*breakdown.FIELDS), 1)


class PerformanceParameters(Bucketed):
    metric: one_of(*performance.METRICS) = None


Run = Callable[[EventStore, AnalyticsRequest, Any], Any]


def _steps(parameters: FunnelParameters) -> list[funnel.Step]:
    return [funnel.Step(step.type, step.value, tuple(
        funnel.StepFilter(item.property, item.operator, item.value)
        for item in step.filters or ())) for step in parameters.steps]


# type -> (parameters schema, runner, clamped by resetAt)
REPORTS: dict[str, tuple[type[DateRange], Run, bool]] = {
    "funnel": (FunnelParameters, lambda store, request, p: funnel.funnel(
        store, request, _steps(p), float(p.window)), True),
    "journey": (JourneyParameters, lambda store, request, p: journey.journey(
        store, request, int(p.steps), p.startStep or None, p.endStep or None,
        int(p.eventType) if p.eventType is not None else None), False),
    "retention": (RetentionParameters,
                  lambda store, request, p: retention.retention(store, request), True),
    "utm": (DateRange, lambda store, request, p: utm.utm(store, request), True),
    "goal": (GoalParameters, lambda store, request, p: goal.goal(
        store, request, p.type, p.value), True),
    "revenue": (RevenueParameters, lambda store, request, p: revenue.revenue(
        store, request, p.currency, p.compare or "prev"), True),
    "attribution": (AttributionParameters, lambda store, request, p: attribution.attribution(
        store, request, p.model, p.type, p.step), True),
    "breakdown": (BreakdownParameters, lambda store, request, p: breakdown.breakdown(
        store, request, list(p.fields)), True),
    "performance": (PerformanceParameters, lambda store, request, p: performance.performance(
        store, request, p.metric or "lcp"), True),
}

_ANY_ID = "00000000-0000-0000-0000-000000000000"


def _request(body: Any, reset_at: datetime | None,
             segments: SegmentLookup | None = None) -> AnalyticsRequest:
    return report_request(body.websiteId, body.filters, body.parameters.model_dump(), reset_at,
                          segments)


def _body_schema(report_type: str, parameters: type[DateRange]) -> type[Schema]:
    class ReportRun(Schema):
        websiteId: uuid_text()  # noqa: N815 - wire name
        type: one_of(report_type)
        filters: json_object()
        parameters: Annotated[parameters, Expect("object")]  # type: ignore[valid-type]

        @model_validator(mode="after")
        def _shared(self) -> Any:
            # Filters, unit and zone are checked before authentication, like the fields.
            try:
                _request(self, None)
            except QueryError as error:
                raise bad_request(**error.tree) from None
            return self

    ReportRun.__name__ = f"{report_type.title()}Run"
    return ReportRun


def _handler(report_type: str) -> Callable[[ApiCall], Any]:
    _, run, clamped = REPORTS[report_type]

    def handle(call: ApiCall) -> Any:
        services: ApiServices = call.services
        body = call.body
        require(can.can_view_website(call.auth, services.store, body.websiteId))
        reset_at = reset_at_of(services.store, body.websiteId) if clamped else None
        # Saved segments and cohorts apply to every report, journey included (§1.7, §4).
        segments = getattr(services.store, "get_segment", None)
        try:
            return run(services.events, _request(body, reset_at, segments), body.parameters)
        except QueryError as error:
            raise bad_request(**error.tree) from None
        except InvalidQuery as error:
            logger.info("report query refused: %s", error)
            raise bad_request() from None

    return handle


for _type, (_parameters, _run, _clamped) in REPORTS.items():
    router.post(f"/api/reports/{_type}", body=_body_schema(_type, _parameters), auth="any")(
        _handler(_type))
