"""HTTP handlers of the analytics endpoints: validate (400), authenticate and check that the
caller may view the website (401), then answer from `umami_server.queries`.

Each endpoint is a `prepare` (query string -> parsed request, raising QueryError) and a `run`
(store + parsed request -> JSON). `prepare` also runs at validation time, before authentication,
so malformed requests are answered with 400 first, as Umami does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator
from starlette.routing import BaseRoute

from umami_server.api.services import ApiServices, require
from umami_server.api.transport import ApiCall, ApiRouter, bad_request
from umami_server.auth import permissions as can
from umami_server.context import ServerContext
from umami_server.queries import (
    eventdata,
    events,
    export,
    metrics,
    pageviews,
    realtime,
    sessions,
    stats,
    values,
)
from umami_server.queries.errors import QueryError
from umami_server.queries.request import (
    AnalyticsRequest,
    now_utc,
    parse_request,
    parse_window,
    reset_at_of,
    website_uuid,
)
from umami_server.queries.segments import SegmentLookup, apply_segments
from umami_server.storage.interface import EventStore, InvalidQuery

logger = logging.getLogger("umami_server.api")

router = ApiRouter()
_ANY_ID = "00000000-0000-0000-0000-000000000000"

@dataclass(frozen=True, slots=True)
class Site:
    """What the metadata store knows about the requested id: resetAt and saved segments."""

    reset_at: datetime | None
    segment: SegmentLookup | None


Prepare = Callable[[str, Mapping[str, str], Site | None], Any]
Run = Callable[[EventStore, Any, Mapping[str, str]], Any]


@dataclass(frozen=True, slots=True)
class Endpoint:
    path: str
    prepare: Prepare
    run: Run


def _standard(*checks: Callable[[Mapping[str, str]], Any], required: tuple[str, ...] = (),
              compare: bool = True) -> Prepare:
    """The shared query string (§1) plus endpoint-specific checks and required parameters."""

    def prepare(website_id: str, params: Mapping[str, str], site: Site | None) -> AnalyticsRequest:
        for name in required:
            if not params.get(name):
                raise QueryError.of(name, "Invalid input: expected string, received undefined")
        request = parse_request(website_id, params, site.reset_at if site else None,
                                allow_compare=compare)
        request = apply_segments(request, site.segment if site else None)
        for check in checks:
            check(params)
        return request

    return prepare


def _no_query(website_id: str, params: Mapping[str, str], site: Site | None) -> str:
    return website_uuid(website_id)


def _session_window(website_id: str, params: Mapping[str, str], site: Site | None) -> Any:
    for name in ("startAt", "endAt"):
        if not params.get(name):
            raise QueryError.of(name, "Invalid input: expected number, received NaN")
    return website_uuid(website_id), parse_window(params)


def _realtime(website_id: str, params: Mapping[str, str], site: Site | None) -> Any:
    now = now_utc()
    window = realtime.realtime_window(now)
    request = parse_request(website_id, {
        **params, "startAt": str(int(window.start.timestamp() * 1000)),
        "endAt": str(int(window.end.timestamp() * 1000)), "unit": "minute",
        "timezone": params.get("timezone") or "",
    })
    return apply_segments(request, site.segment if site else None), now


def _metric_type(params: Mapping[str, str]) -> None:
    metrics.metric_type(params)
    metrics.paging_of(params)


def _paging(params: Mapping[str, str]) -> None:
    events.paging(params)


def _id_of(path: Mapping[str, str], name: str, label: str) -> str:
    try:
        return website_uuid(path[name])
    except QueryError:
        raise QueryError.of(label, "Invalid UUID") from None


def _session_id(path: Mapping[str, str]) -> str:
    return _id_of(path, "session_id", "sessionId")


_WINDOW = ("startAt", "endAt")


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("/api/websites/{website_id}/stats", _standard(),
             lambda store, request, _: stats.website_stats(store, request)),
    Endpoint("/api/websites/{website_id}/pageviews", _standard(),
             lambda store, request, _: pageviews.website_pageviews(store, request)),
    Endpoint("/api/websites/{website_id}/metrics", _standard(_metric_type, required=("type",)),
             lambda store, request, _: metrics.website_metrics(store, request)),
    Endpoint("/api/websites/{website_id}/metrics/expanded",
             _standard(_metric_type, required=("type",)),
             lambda store, request, _: metrics.expanded_metrics(store, request)),
    Endpoint("/api/websites/{website_id}/events", _standard(_paging),
             lambda store, request, _: events.event_log(store, request)),
    Endpoint("/api/websites/{website_id}/events/series",
             _standard(required=("startAt", "endAt", "timezone")),
             lambda store, request, _: events.event_series(store, request)),
    Endpoint("/api/websites/{website_id}/events/stats", _standard(),
             lambda store, request, _: events.event_stats(store, request)),
    Endpoint("/api/websites/{website_id}/sessions/stats",
             _standard(required=("startAt", "endAt")),
             lambda store, request, _: sessions.session_stats(store, request)),
    Endpoint("/api/websites/{website_id}/sessions/weekly",
             _standard(required=("startAt", "endAt", "timezone")),
             lambda store, request, _: sessions.session_weekly(store, request)),
    Endpoint("/api/websites/{website_id}/sessions", _standard(_paging),
             lambda store, request, _: sessions.session_list(store, request)),
    Endpoint("/api/websites/{website_id}/sessions/{session_id}", _no_query,
             lambda store, website_id, path: sessions.single_session(
                 store, website_id, _session_id(path))),
    Endpoint("/api/websites/{website_id}/sessions/{session_id}/activity", _session_window,
             lambda store, prepared, path: sessions.session_activity(
                 store, prepared[0], _session_id(path), prepared[1])),
    Endpoint("/api/websites/{website_id}/sessions/{session_id}/properties", _no_query,
             lambda store, website_id, path: sessions.session_properties(
                 store, website_id, _session_id(path))),
    Endpoint("/api/websites/{website_id}/active", _no_query,
             lambda store, website_id, _: realtime.active_visitors(store, website_id, now_utc())),
    Endpoint("/api/websites/{website_id}/daterange", _no_query,
             lambda store, website_id, _: values.date_range(store, website_id)),
    Endpoint("/api/websites/{website_id}/values", _standard(required=("type",)),
             lambda store, request, _: values.filter_values(store, request)),
    Endpoint("/api/websites/{website_id}/event-data/events", _standard(required=_WINDOW),
             lambda store, request, _: eventdata.event_data_events(store, request)),
    Endpoint("/api/websites/{website_id}/event-data/fields", _standard(required=_WINDOW),
             lambda store, request, _: eventdata.event_data_fields(store, request)),
    Endpoint("/api/websites/{website_id}/event-data/properties", _standard(required=_WINDOW),
             lambda store, request, _: eventdata.event_data_properties(store, request)),
    Endpoint("/api/websites/{website_id}/event-data/values",
             _standard(required=(*_WINDOW, "event", "propertyName")),
             lambda store, request, _: eventdata.event_data_values(store, request)),
    Endpoint("/api/websites/{website_id}/event-data/stats", _standard(required=_WINDOW),
             lambda store, request, _: eventdata.event_data_stats(store, request)),
    Endpoint("/api/websites/{website_id}/event-data", _standard(_paging, required=_WINDOW),
             lambda store, request, _: eventdata.event_data_list(store, request)),
    Endpoint("/api/websites/{website_id}/event-data/{event_id}", _no_query,
             lambda store, website_id, path: eventdata.event_data_of_event(
                 store, website_id, _id_of(path, "event_id", "eventId"))),
    Endpoint("/api/websites/{website_id}/session-data/properties", _standard(required=_WINDOW),
             lambda store, request, _: eventdata.session_data_properties(store, request)),
    Endpoint("/api/websites/{website_id}/session-data/values",
             _standard(required=(*_WINDOW, "propertyName")),
             lambda store, request, _: eventdata.session_data_values(store, request)),
    Endpoint("/api/websites/{website_id}/export", _standard(),
             lambda store, request, _: export.export_zip(store, request)),
    Endpoint("/api/websites/{website_id}/revenue/sessions",
             _standard(_paging, required=("currency",)),
             lambda store, request, _: sessions.revenue_sessions(store, request)),
    Endpoint("/api/realtime/{website_id}", _realtime,
             lambda store, prepared, _: realtime.realtime(store, prepared[0], prepared[1])),
)


def _query_model(prepare: Prepare) -> type[BaseModel]:
    """A query schema that runs the endpoint's own parsing, so bad input is a 400 before auth."""

    class AnalyticsQuery(BaseModel):
        model_config = ConfigDict(extra="allow")

        @model_validator(mode="before")
        @classmethod
        def _validate(cls, data: Any) -> Any:
            try:
                prepare(_ANY_ID, data, None)
            except QueryError as error:
                raise bad_request(**error.tree) from None
            return data

    return AnalyticsQuery


def _handler(endpoint: Endpoint) -> Callable[[ApiCall], Any]:
    def handle(call: ApiCall) -> Any:
        services: ApiServices = call.services
        website_id = call.params["website_id"]
        require(can.can_view_website(call.auth, services.store, website_id))
        params = dict(call.query.model_extra or {}) if call.query is not None else {}
        try:
            store = services.store
            site = Site(reset_at_of(store, website_id), getattr(store, "get_segment", None))
            prepared = endpoint.prepare(website_id, params, site)
            return endpoint.run(services.events, prepared, call.params)
        except QueryError as error:
            raise bad_request(**error.tree) from None
        except InvalidQuery as error:
            # e.g. a regular expression RE2 rejects: the request is at fault, not the server.
            logger.info("analytics query refused: %s", error)
            raise bad_request() from None

    return handle


for _endpoint in ENDPOINTS:
    router.get(_endpoint.path, query=_query_model(_endpoint.prepare), auth="any")(
        _handler(_endpoint))


def analytics_routes(context: ServerContext) -> list[BaseRoute]:
    """The analytics routes, for `umami_server.api.routes.api_routes`."""
    return router.routes(ApiServices.build(context))
