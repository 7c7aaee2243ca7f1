"""The collection pipeline: one validated hit in, the rows to store and the answer to give out.

Steps, in Umami's order: validate, resolve the source, read the client (IP, user agent, geo),
drop bots, drop ignored IPs, derive session and visit, build rows. Each step may stop the hit with
an `Outcome` that carries the HTTP answer; dropped hits are counted per website and reason.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from umami_server.collect.drops import DropCounter
from umami_server.collect.event_data import (
    EventDataRejected,
    flatten_data,
    revenue_amount,
)
from umami_server.collect.identity import IdentityDeriver, VisitorIdentity, random_uuid_text
from umami_server.collect.sources import SourceDirectory
from umami_server.collect.validation import InvalidSendBody, SendPayload, parse_send_body
from umami_server.config import Settings
from umami_server.enrich.bots import is_bot
from umami_server.enrich.client_ip import IpBlocklist, client_ip_from
from umami_server.enrich.geo import GeoLocator, Location
from umami_server.enrich.urls import (
    InvalidHostname,
    PageLocation,
    page_title,
    parse_page_url,
    parse_referrer,
    performance_path,
)
from umami_server.enrich.useragent import detect_software
from umami_server.errors import error_body
from umami_server.storage.records import (
    EVENT_TYPE_CUSTOM,
    EVENT_TYPE_LINK,
    EVENT_TYPE_PAGEVIEW,
    EVENT_TYPE_PERFORMANCE,
    EVENT_TYPE_PIXEL,
    IngestEntry,
    Row,
)

_MAX_REMEMBERED_SESSIONS = 200_000


BOT_ANSWER: dict[str, Any] = {"beep": "boop"}
WEBSITE_NOT_FOUND = error_body("Website not found.", "bad-request", 400)
FORBIDDEN = error_body("Forbidden", "forbidden", 403)


@dataclass(frozen=True, slots=True)
class HitContext:
    """What the HTTP layer knows about the request a hit came in."""

    headers: Mapping[str, str]  # lower-case names
    peer_ip: str | None
    cache_token: str | None = None


@dataclass(slots=True)
class Outcome:
    status: int
    body: dict[str, Any]
    entry: IngestEntry | None = None
    new_session_id: str | None = None
    stored: bool = False


def _micros(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


class CollectionPipeline:
    def __init__(
        self,
        settings: Settings,
        identity: IdentityDeriver,
        sources: SourceDirectory,
        geo: GeoLocator,
        drops: DropCounter,
    ):
        self.settings = settings
        self.identity = identity
        self.sources = sources
        self.geo = geo
        self.drops = drops
        self.blocklist = IpBlocklist.parse(settings.ignore_ip)
        # Sessions known to have a row already, so the same session is not logged again.
        self._known_sessions: dict[str, None] = {}

    def remember_sessions(self, session_ids: list[str]) -> None:
        """Called once the rows creating these sessions are durable."""
        known = self._known_sessions
        for session_id in session_ids:
            known[session_id] = None
        if len(known) > _MAX_REMEMBERED_SESSIONS:
            # Forget the oldest half; a forgotten session only costs one ignored insert.
            for stale in list(known)[: _MAX_REMEMBERED_SESSIONS // 2]:
                del known[stale]

    async def process(self, body: Any, context: HitContext) -> Outcome:
        """Run one decoded `/api/send` body through every step."""
        try:
            request = parse_send_body(body)
        except InvalidSendBody as invalid:
            tree = invalid.tree
            return Outcome(400, error_body("Bad request", "bad-request", 400, **tree))
        payload = request.payload

        token = None
        if payload.website:
            token = self.identity.read_token(context.cache_token)
            if token is not None and token.website_id != payload.website:
                # A token carries a visit over only on the website it was issued for.
                token = None
            # Umami skips this lookup when a token comes along, so a token outlives its website;
            # the lookup is cached, and a deletion through this server clears the cache at once.
            website = await self.sources.website(payload.website)
            if website is None or website.deleted:
                return Outcome(400, WEBSITE_NOT_FOUND)
        source_id = payload.source_id

        ip = payload.ip or client_ip_from(
            context.headers, context.peer_ip, self.settings.client_ip_header
        )
        user_agent = payload.userAgent or context.headers.get("user-agent")
        location = self.geo.locate(ip, context.headers, ip_from_payload=bool(payload.ip))

        if not self.settings.disable_bot_check and is_bot(user_agent):
            self.drops.count(source_id, "bot")
            return Outcome(200, BOT_ANSWER)
        if self.blocklist.blocks(ip):
            self.drops.count(source_id, "ignored-ip")
            return Outcome(403, FORBIDDEN)

        now_seconds = int(time.time())
        backdated = bool(payload.timestamp)
        created_at = (
            datetime.fromtimestamp(payload.timestamp, UTC) if backdated else datetime.now(UTC)
        )
        session_id = self.identity.session_id(source_id, created_at, ip, user_agent, payload.id)
        identity = self.identity.identify(session_id, created_at, now_seconds, token, backdated)

        try:
            entry, new_session = self._rows(
                request.type, payload, identity, created_at, ip, user_agent, location,
                token_has_session=bool(token and token.session_id),
            )
        except InvalidHostname:
            return Outcome(
                400,
                error_body("Invalid hostname.", "bad-request", 400),
            )
        except EventDataRejected as rejected:
            return Outcome(400, error_body(str(rejected), "bad-request", 400))

        answer = {
            "cache": self.identity.issue_token(payload.website, identity),
            "sessionId": identity.session_id,
            "visitId": identity.visit_id,
        }
        return Outcome(200, answer, entry=entry, new_session_id=new_session, stored=True)

    def _rows(
        self,
        kind: str,
        payload: SendPayload,
        identity: VisitorIdentity,
        created_at: datetime,
        ip: str | None,
        user_agent: str | None,
        location: Location,
        token_has_session: bool,
    ) -> tuple[IngestEntry, str | None]:
        source_id = payload.source_id
        created = _micros(created_at)
        software = detect_software(user_agent, payload.screen)
        session_attributes: Row = {
            "browser": payload.browser if payload.browser is not None else software.browser,
            "os": payload.os if payload.os is not None else software.os,
            "device": payload.device if payload.device is not None else software.device,
            "screen": payload.screen,
            "language": payload.language,
            "country": location.country,
            "region": location.region,
            "city": location.city,
            "distinct_id": payload.id,
        }
        entry: IngestEntry = {}
        new_session: str | None = None
        session_id = identity.session_id
        if not token_has_session and session_id not in self._known_sessions:
            entry["session"] = {
                "session_id": session_id,
                "website_id": source_id,
                **session_attributes,
                "created_at": created,
            }
            new_session = session_id

        if kind == "identify":
            if payload.data is not None:
                entry["session_data"] = [
                    {
                        "session_data_id": random_uuid_text(),
                        "website_id": source_id,
                        "session_id": session_id,
                        "data_key": value.key,
                        "string_value": value.string_value,
                        "number_value": value.number_value,
                        "date_value": value.date_value,
                        "data_type": value.data_type,
                        "distinct_id": payload.id,
                        "created_at": created,
                    }
                    for value in flatten_data(payload.data)
                ]
            return entry, new_session

        event_id = random_uuid_text()
        event: Row = {
            "event_id": event_id,
            "website_id": source_id,
            "session_id": session_id,
            "visit_id": identity.visit_id,
            "created_at": created,
            "page_title": page_title(payload.title),
            **session_attributes,
        }
        if kind == "performance":
            event.update(
                url_path=performance_path(payload.url, payload.hostname),
                event_type=EVENT_TYPE_PERFORMANCE,
                lcp=payload.lcp, inp=payload.inp, cls=payload.cls, fcp=payload.fcp,
                ttfb=payload.ttfb,
            )
            entry["event"] = event
            return entry, new_session

        page = parse_page_url(payload.url, payload.hostname, self.settings.remove_trailing_slash)
        referrer = parse_referrer(payload.referrer, payload.hostname)
        if payload.link:
            event_type = EVENT_TYPE_LINK
        elif payload.pixel:
            event_type = EVENT_TYPE_PIXEL
        elif payload.name:
            event_type = EVENT_TYPE_CUSTOM
        else:
            event_type = EVENT_TYPE_PAGEVIEW
        event.update(_page_columns(page))
        event.update(
            referrer_path=referrer.path,
            referrer_query=referrer.query,
            referrer_domain=referrer.domain,
            event_type=event_type,
            event_name=payload.name or None,
            tag=payload.tag,
        )
        entry["event"] = event
        if payload.data is not None:
            values = flatten_data(payload.data)
            if values:
                entry["event_data"] = [
                    {
                        "event_data_id": random_uuid_text(),
                        "website_id": source_id,
                        "website_event_id": event_id,
                        "session_id": session_id,
                        "data_key": value.key,
                        "string_value": value.string_value,
                        "number_value": value.number_value,
                        "date_value": value.date_value,
                        "data_type": value.data_type,
                        "created_at": created,
                    }
                    for value in values
                ]
            purchase = revenue_amount(payload.data)
            # Umami needs an event name for a revenue row; a named event is a purchase.
            if purchase is not None and payload.name:
                entry["revenue"] = {
                    "revenue_id": random_uuid_text(),
                    "website_id": source_id,
                    "session_id": session_id,
                    "event_id": event_id,
                    "event_name": payload.name[:50],
                    "currency": purchase[1],
                    "revenue": purchase[0],
                    "created_at": created,
                }
        return entry, new_session


def _page_columns(page: PageLocation) -> Row:
    return {
        "url_path": page.url_path,
        "url_query": page.url_query,
        "hostname": page.hostname,
        "utm_source": page.utm_source,
        "utm_medium": page.utm_medium,
        "utm_campaign": page.utm_campaign,
        "utm_content": page.utm_content,
        "utm_term": page.utm_term,
        "gclid": page.gclid,
        "fbclid": page.fbclid,
        "msclkid": page.msclkid,
        "ttclid": page.ttclid,
        "twclid": page.twclid,
        "li_fat_id": page.li_fat_id,
    }
