"""The tracker in a real Chromium, checked by what the server stored.

Every scenario below loads test pages from a local site (http://localhost:PORT) that embed
/script.js from a real server (http://127.0.0.1:PORT), exactly like a third-party site. The
scenarios all run first, each against its own website; the server is then stopped once (which
flushes what it holds) and its store read, and each test checks one behaviour against what the
page sent and what was stored. That keeps the module to one server restart instead of one per
behaviour. The module runs on each store (the `server` fixture)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.conftest import add_website
from tests.server_process import ServerProcess
from tests.tracker.browser import Sent, Site, browsing, page_html, tracker_tag

EVENT_COLUMNS = (
    "event_id", "session_id", "url_path", "url_query", "utm_source", "referrer_domain",
    "referrer_path", "referrer_query", "page_title", "event_type", "event_name", "tag", "hostname",
    "screen", "language", "lcp", "inp", "cls", "fcp", "ttfb",
)
PAGEVIEW, CUSTOM_EVENT, PERFORMANCE = 1, 2, 5


@dataclass
class Lab:
    """What a scenario works with: the browser, the test site, the server and its script URL."""

    browser: Browser
    site: Site
    server: ServerProcess

    @property
    def script(self) -> str:
        return f"{self.server.base_url}/script.js"

    def website(self) -> str:
        return add_website(self.server.data_dir)


@dataclass
class Visit:
    """What one scenario did: its website, the tracker's sends, every request, page values."""

    website_id: str | None
    sends: list[Sent]
    requests: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    def named(self, name: str) -> Sent:
        [sent] = [sent for sent in self.sends if sent.payload.get("name") == name]
        return sent


@dataclass
class Stored:
    events: list[dict[str, Any]]
    event_data: list[dict[str, Any]]
    session_data: list[dict[str, Any]]

    def of_type(self, event_type: int) -> list[dict[str, Any]]:
        return [event for event in self.events if event["event_type"] == event_type]

    def event(self, name: str) -> dict[str, Any]:
        [event] = [event for event in self.events if event["event_name"] == name]
        return event

    def data_of(self, name: str) -> dict[str, Any]:
        event_id = self.event(name)["event_id"]
        return {
            row["data_key"]: row["string_value"] if row["data_type"] == 1 else row["number_value"]
            for row in self.event_data
            if row["website_event_id"] == event_id
        }


SCENARIOS: dict[str, Callable[[Lab], Visit]] = {}


def scenario(function: Callable[[Lab], Visit]) -> Callable[[Lab], Visit]:
    SCENARIOS[function.__name__] = function
    return function


# --- scenarios ---------------------------------------------------------------------------------


@scenario
def page_view(lab: Lab) -> Visit:
    website = lab.website()
    head = tracker_tag(lab.script, website, tag="spring-sale")
    url = lab.site.add("/landing/page.html", page_html("Landing — Ünïcode", head))
    with browsing(lab.browser, locale="de-DE") as (page, log):
        page.goto(
            url + "?utm_source=newsletter&ref=7#pricing",
            referer="https://www.search.example/results?q=umami",
        )
        log.wait_for_sends(page, 1)
        sends = log.settle(page)
        session = page.evaluate("umami.getSession()")
        return Visit(website, [sent.freeze() for sent in sends], log.lines(), {"session": session})


@scenario
def api_calls(lab: Lab) -> Visit:
    website = lab.website()
    url = lab.site.add("/api/page", page_html("API", tracker_tag(lab.script, website)))
    with browsing(lab.browser) as (page, log):
        page.goto(url)
        log.wait_for_sends(page, 1)
        values = page.evaluate(
            """async (website) => {
                const resolved = await umami.track('signup');
                await umami.track('purchase', {plan: 'pro', seats: 3});
                await umami.track({website, url: '/virtual/raw', hostname: 'raw.example',
                                   name: 'raw-object'});
                await umami.track((payload) => ({...payload, url: '/virtual/from-fn',
                                                 name: 'from-fn'}));
                await umami.track(7);
                await umami.identify('user-42', {plan: 'pro'});
                await umami.track('after-identify');
                await umami.identify({company: 'acme'});
                await umami.track('last');
                return {resolved: resolved === undefined, session: umami.getSession()};
            }""",
            website,
        )
        sends = log.settle(page)
        return Visit(website, [sent.freeze() for sent in sends], log.lines(), values)


@scenario
def server_replies(lab: Lab) -> Visit:
    """A bot answer clears the token; a `disabled` answer stops the tracker for the page."""
    website = lab.website()
    url = lab.site.add("/replies", page_html("Replies", tracker_tag(lab.script, website)))
    cors = {"access-control-allow-origin": "*", "access-control-allow-headers": "*"}
    with browsing(lab.browser) as (page, log):
        page.goto(url)
        log.wait_for_sends(page, 1)
        page.route("**/api/send", lambda route: route.fulfill(json={"beep": "boop"}, headers=cors))
        page.evaluate("umami.track('answered-as-bot')")
        log.wait_for_sends(page, 2)
        page.unroute("**/api/send")
        page.evaluate("umami.track('after-bot')")
        log.wait_for_sends(page, 3)
        page.route(
            "**/api/send",
            lambda route: route.fulfill(json={"disabled": True, "cache": "x"}, headers=cors),
        )
        page.evaluate("umami.track('disable-me')")
        log.wait_for_sends(page, 4)
        page.evaluate("umami.track('after-disabled'); history.pushState({}, '', '/replies/2')")
        sends = log.settle(page)
        return Visit(website, [sent.freeze() for sent in sends], log.lines())


@scenario
def spa_navigation(lab: Lab) -> Visit:
    website = lab.website()
    url = lab.site.add("/app/start", page_html("Start", tracker_tag(lab.script, website)))
    with browsing(lab.browser) as (page, log):
        page.goto(url)
        log.wait_for_sends(page, 1)
        # The title is read when the delayed page view fires, so a router may set it after push.
        page.evaluate("history.pushState({}, '', '/app/step-2'); document.title = 'Step 2'")
        log.wait_for_sends(page, 2)
        page.evaluate("history.replaceState({}, '', '/app/step-3?tab=a')")
        log.wait_for_sends(page, 3)
        page.evaluate("history.replaceState({n: 1}, '', location.href)")  # same URL: nothing
        page.evaluate("history.pushState({n: 2}, '')")  # no URL: nothing
        page.evaluate("history.pushState({}, '', '#details')")  # a hash change is a new page
        log.wait_for_sends(page, 4)
        page.go_back()  # popstate is not tracked
        sends = log.settle(page)
        return Visit(website, [sent.freeze() for sent in sends], log.lines())


@scenario
def excluded_search_and_hash(lab: Lab) -> Visit:
    website = lab.website()
    head = tracker_tag(lab.script, website, exclude_search="true", exclude_hash="true")
    url = lab.site.add("/ex/page", page_html("Excluded", head))
    with browsing(lab.browser) as (page, log):
        page.goto(url + "?secret=1#frag", referer="https://ref.example/path?q=secret#top")
        log.wait_for_sends(page, 1)
        page.evaluate("history.pushState({}, '', '/ex/page?other=2')")  # same page once stripped
        page.evaluate("history.pushState({}, '', '#elsewhere')")
        page.evaluate("history.pushState({}, '', '/ex/next?x=1#y')")
        log.wait_for_sends(page, 2)
        sends = log.settle(page)
        return Visit(website, [sent.freeze() for sent in sends], log.lines())


def _quiet_page(lab: Lab, name: str, website: str | None, init_script: str = "",
                script_attributes: dict[str, str] | None = None, then: str = "") -> Visit:
    """Loads a page whose tracker should stay silent at load; runs `then`; returns the sends."""
    head = tracker_tag(lab.script, website, **(script_attributes or {}))
    body = '<button id="cta" data-umami-event="cta-click">Go</button>'
    url = lab.site.add(f"/quiet/{name}", page_html(name, head, body))
    with browsing(lab.browser) as (page, log):
        if init_script:
            page.add_init_script(init_script)
        page.goto(url)
        page.wait_for_load_state("load")
        log.settle(page)
        values = {"before": len(log.sends)}
        if then:
            values["then"] = page.evaluate(then)
        sends = log.settle(page)
        return Visit(website, [sent.freeze() for sent in sends], log.lines(), values)


_DNT_ON = "Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'})"


@scenario
def domains_other(lab: Lab) -> Visit:
    attributes = {"domains": "example.com,shop.example"}
    return _quiet_page(lab, "domains-other", lab.website(), script_attributes=attributes,
                       then="umami.track('manual').then(() => 'resolved')")


@scenario
def domains_listed(lab: Lab) -> Visit:
    attributes = {"domains": " example.com , localhost "}
    return _quiet_page(lab, "domains-listed", lab.website(), script_attributes=attributes)


@scenario
def do_not_track_respected(lab: Lab) -> Visit:
    return _quiet_page(lab, "dnt", lab.website(), _DNT_ON, {"do-not-track": "true"},
                       then="umami.track('manual')")


@scenario
def do_not_track_ignored_by_default(lab: Lab) -> Visit:
    return _quiet_page(lab, "dnt-default", lab.website(), _DNT_ON)


@scenario
def opted_out_in_local_storage(lab: Lab) -> Visit:
    # Set before every document of this context, so the tracker sees it at load.
    flag = "if (!sessionStorage.seen) { localStorage.setItem('umami.disabled', 'false'); }"
    return _quiet_page(
        lab, "opt-out", lab.website(), flag,
        then="""(async () => {
            await umami.track('while-opted-out');
            sessionStorage.seen = 1;
            localStorage.removeItem('umami.disabled');
            await umami.track('opted-back-in');
        })()""",
    )


@scenario
def without_website_id(lab: Lab) -> Visit:
    return _quiet_page(lab, "no-id", None,
                       then="umami.track('x').then((value) => value === undefined)")


@scenario
def loaded_as_module(lab: Lab) -> Visit:
    website = lab.website()
    head = f'<script type="module" src="{lab.script}" data-website-id="{website}"></script>'
    url = lab.site.add("/module", page_html("Module", head))
    with browsing(lab.browser) as (page, log):
        page.goto(url)
        sends = log.settle(page)
        values = {"umami": page.evaluate("typeof window.umami")}
        return Visit(website, [sent.freeze() for sent in sends], log.lines(), values)


@scenario
def manual_tracking_only(lab: Lab) -> Visit:
    website = lab.website()
    head = tracker_tag(lab.script, website, auto_track="false", performance="true")
    body = '<button id="cta" data-umami-event="cta-click">Go</button>'
    url = lab.site.add("/manual", page_html("Manual", head, body))
    with browsing(lab.browser) as (page, log):
        page.goto(url)
        page.click("#cta")
        page.evaluate("history.pushState({}, '', '/manual/2')")
        before = len(log.settle(page))
        page.evaluate("umami.track('manual')")
        sends = log.settle(page)
        return Visit(website, [sent.freeze() for sent in sends], log.lines(), {"before": before})


_CLICKS_BODY = """
<button id="buy" data-umami-event="buy" data-umami-event-plan-id="pro"
        data-umami-event-price="10"><span id="buy-label">Buy</span></button>
<div id="card" data-umami-event="card-click" data-umami-event-card="c1">Card</div>
<div data-umami-event="outer-only"><span id="inner-plain">inner</span></div>
<button id="plain-button"><span id="inner-tagged" data-umami-event="ignored">x</span></button>
<a id="no-href" data-umami-event="no-href">no href</a>
<a id="blank" href="/clicks/popup" target="_blank" data-umami-event="outbound"
   data-umami-event-to="popup">popup</a>
<a id="internal" href="/clicks/next" data-umami-event="go-next"
   data-umami-event-where="footer">next</a>
"""


# Slows the answer to the link's event by 300 ms and notes (in storage that outlives the page)
# when the tracker got it: the next page must start after that.
_SLOW_LINK_ANSWER = """
const realFetch = window.fetch;
window.fetch = (...args) => realFetch(...args).then((response) => {
  if (!String(args[1] && args[1].body).includes('go-next')) return response;
  return new Promise((resolve) => setTimeout(() => {
    localStorage.linkEventAnsweredAt = Date.now();
    resolve(response);
  }, 300));
});
"""


@scenario
def clicks(lab: Lab) -> Visit:
    website = lab.website()
    head = tracker_tag(lab.script, website)
    url = lab.site.add("/clicks/start", page_html("Clicks", head, _CLICKS_BODY))
    lab.site.add("/clicks/popup", page_html("Popup"))
    next_url = lab.site.add("/clicks/next", page_html("Next", head))
    with browsing(lab.browser) as (page, log):
        page.add_init_script(_SLOW_LINK_ANSWER)
        page.goto(url)
        log.wait_for_sends(page, 1)
        for selector in ("#buy-label", "#card", "#inner-plain", "#inner-tagged", "#no-href"):
            page.click(selector)
        page.evaluate("document.dispatchEvent(new MouseEvent('click'))")  # no element: no error
        with page.context.expect_page() as popup:
            page.click("#blank")
        popup.value.close()
        log.wait_for_sends(page, 4)
        page.click("#internal")
        page.wait_for_url(next_url)
        log.wait_for_sends(page, 6)
        sends = log.settle(page)
        values = page.evaluate(
            "({answered: Number(localStorage.linkEventAnsweredAt), next: performance.timeOrigin})"
        )
        return Visit(website, [sent.freeze() for sent in sends], log.lines(), values)


_BEFORE_SEND = """<script>
window.hookCalls = [];
window.shapeEvent = (type, payload) => {
  hookCalls.push(type + ':' + (payload.name || ''));
  if (payload.name === 'drop-sync') return false;
  if (payload.name === 'drop-async') return Promise.resolve(null);
  if (payload.name === 'rename-sync') return {...payload, name: 'renamed-sync', data: {by: 'hook'}};
  if (payload.name === 'rename-async') {
    const renamed = {...payload, name: 'renamed-async'};
    return new Promise((resolve) => setTimeout(() => resolve(renamed), 50));
  }
  return {...payload, url: payload.url.replace('token=abc', 'token=hidden')};
};
</script>"""


@scenario
def before_send_hook(lab: Lab) -> Visit:
    website = lab.website()
    # The hook is defined after the tracker's tag: it is looked up at each send.
    head = tracker_tag(lab.script, website, before_send="shapeEvent") + _BEFORE_SEND
    url = lab.site.add("/hook/page", page_html("Hook", head))
    with browsing(lab.browser) as (page, log):
        page.goto(url + "?token=abc")
        log.wait_for_sends(page, 1)
        page.evaluate(
            """Promise.all(['drop-sync', 'drop-async', 'rename-sync', 'rename-async']
                           .map((name) => umami.track(name)))"""
        )
        sends = log.settle(page)
        values = {"calls": page.evaluate("hookCalls")}
        return Visit(website, [sent.freeze() for sent in sends], log.lines(), values)


_PERFORMANCE_BODY = """
<h1 style="font-size: 64px">The largest text on this page</h1>
<button id="slow">slow</button>
<script>
document.getElementById('slow').addEventListener('click', () => {
  const end = performance.now() + 150;
  while (performance.now() < end);  // a slow handler: a 150 ms interaction
});
setTimeout(() => {
  const banner = document.createElement('div');
  banner.style.height = '300px';
  banner.textContent = 'late banner';
  document.body.prepend(banner);  // pushes everything down: a layout shift
}, 300);
</script>"""


@scenario
def web_vitals(lab: Lab) -> Visit:
    website = lab.website()
    head = tracker_tag(lab.script, website, performance="true")
    url = lab.site.add("/perf/page", page_html("Perf", head, _PERFORMANCE_BODY))
    away = lab.site.add("/perf/away", page_html("Away"))
    with browsing(lab.browser) as (page, log):
        page.goto(url)
        log.wait_for_sends(page, 1)
        page.wait_for_timeout(500)  # after the layout shift
        page.click("#slow")
        page.wait_for_timeout(300)  # event timing entries are delivered asynchronously
        page.evaluate("history.pushState({}, '', '/perf/second')")  # flushes the first page
        log.wait_for_sends(page, 3)
        page.evaluate("dispatchEvent(new Event('pagehide')); dispatchEvent(new Event('pagehide'))")
        log.wait_for_sends(page, 4)
        page.goto(away)  # the second page already reported: no third beacon
        sends = log.settle(page)
        return Visit(website, [sent.freeze() for sent in sends], log.lines())


@scenario
def web_vitals_after_ten_seconds(lab: Lab) -> Visit:
    website = lab.website()
    head = tracker_tag(lab.script, website, performance="true")
    url = lab.site.add("/perf/timer", page_html("Timer", head, "<p>text</p>"))
    with browsing(lab.browser) as (page, log):
        page.clock.install()
        page.goto(url)
        log.wait_for_sends(page, 1)
        page.clock.run_for(9_000)
        before = len(log.settle(page, quiet_ms=200))
        page.clock.run_for(1_500)
        log.wait_for_sends(page, 2)
        sends = log.settle(page, quiet_ms=200)
        return Visit(website, [sent.freeze() for sent in sends], log.lines(), {"before": before})


@scenario
def host_url(lab: Lab) -> Visit:
    website = lab.website()
    # The script comes from another origin than the data-host-url names (trailing slash on it).
    script = f"http://localhost:{lab.server.port}/script.js"
    head = tracker_tag(script, website, host_url=f"{lab.server.base_url}/")
    url = lab.site.add("/host-url", page_html("Host", head))
    with browsing(lab.browser) as (page, log):
        page.goto(url)
        log.wait_for_sends(page, 1)
        sends = log.settle(page)
        return Visit(website, [sent.freeze() for sent in sends], log.lines())


# --- running them ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def visits(browser: Browser, site: Site, server: ServerProcess) -> dict[str, Visit | Exception]:
    lab = Lab(browser, site, server)
    outcomes: dict[str, Visit | Exception] = {}
    for name, run in SCENARIOS.items():
        try:
            outcomes[name] = run(lab)
        except Exception as error:  # reported by the tests that need this scenario
            outcomes[name] = error
    return outcomes


@pytest.fixture(scope="module")
def stored(visits: dict[str, Visit | Exception], server: ServerProcess) -> dict[str, Stored]:
    time.sleep(0.3)  # let beacons sent on page close reach the server
    server.stop()
    try:
        events = server.rows(f"SELECT website_id::VARCHAR, {', '.join(EVENT_COLUMNS)} "
                             "FROM website_event ORDER BY created_at")
        event_data = server.rows(
            "SELECT website_id::VARCHAR, website_event_id, data_key, string_value, number_value, "
            "data_type FROM event_data")
        session_data = server.rows(
            "SELECT website_id::VARCHAR, session_id, data_key, string_value, distinct_id "
            "FROM session_data")
    finally:
        server.start()
    by_website: dict[str, Stored] = {}
    for rows, columns, attribute in (
        (events, EVENT_COLUMNS, "events"),
        (event_data, ("website_event_id", "data_key", "string_value", "number_value",
                      "data_type"), "event_data"),
        (session_data, ("session_id", "data_key", "string_value", "distinct_id"), "session_data"),
    ):
        for website_id, *values in rows:
            entry = by_website.setdefault(website_id, Stored([], [], []))
            getattr(entry, attribute).append(dict(zip(columns, values, strict=True)))
    return by_website


@pytest.fixture
def outcome(
    visits: dict[str, Visit | Exception], stored: dict[str, Stored]
) -> Callable[[str], tuple[Visit, Stored]]:
    def get(name: str) -> tuple[Visit, Stored]:
        visit = visits[name]
        if isinstance(visit, Exception):
            raise visit
        return visit, stored.get(visit.website_id or "", Stored([], [], []))

    return get


# --- behaviours ----------------------------------------------------------------------------------


def test_page_view_reports_url_title_referrer_screen_language_and_tag(outcome, site) -> None:
    visit, stored = outcome("page_view")
    [event] = stored.events
    assert event["event_type"] == PAGEVIEW
    assert event["url_path"] == "/landing/page.html#pricing"  # the server keeps the fragment
    assert event["url_query"] == "utm_source=newsletter&ref=7"
    assert event["utm_source"] == "newsletter"
    assert event["page_title"] == "Landing — Ünïcode"
    assert event["referrer_domain"] == "search.example"
    assert event["referrer_path"] == "/results"
    assert event["hostname"] == "localhost"
    assert (event["screen"], event["language"]) == ("1280x720", "de-DE")
    assert event["tag"] == "spring-sale"
    [sent] = visit.sends
    assert sent.payload == {
        "website": visit.website_id,
        "screen": "1280x720",
        "language": "de-DE",
        "title": "Landing — Ünïcode",
        "hostname": "localhost",
        "url": f"{site.origin}/landing/page.html?utm_source=newsletter&ref=7#pricing",
        "referrer": "https://www.search.example/results?q=umami",
        "tag": "spring-sale",
    }


def test_a_page_makes_exactly_the_expected_requests(outcome, site, server) -> None:
    visit, _ = outcome("page_view")
    # The page, the script, one page view; no beacon, no retry (the CORS preflight is internal).
    assert visit.requests == [
        f"GET {site.origin}/landing/page.html?utm_source=newsletter&ref=7",
        f"GET {server.base_url}/script.js",
        f"POST {server.base_url}/api/send",
    ]
    [sent] = visit.sends
    assert sent.cache_header is None  # no token before the first answer
    assert visit.values["session"] == {"cache": sent.reply()["cache"], "website": visit.website_id}


def test_track_overloads(outcome) -> None:
    visit, stored = outcome("api_calls")
    assert visit.values["resolved"]  # the returned Promise resolves to undefined
    assert "data" not in visit.named("signup").payload
    assert visit.named("raw-object").payload == {
        "website": visit.website_id, "url": "/virtual/raw", "hostname": "raw.example",
        "name": "raw-object",
    }
    assert visit.named("from-fn").payload["title"] == "API"
    assert [event["url_path"] for event in stored.of_type(PAGEVIEW)] == ["/api/page", "/api/page"]
    assert stored.data_of("purchase") == {"plan": "pro", "seats": 3}
    assert stored.data_of("signup") == {}
    raw = stored.event("raw-object")
    assert (raw["url_path"], raw["hostname"], raw["page_title"]) == (
        "/virtual/raw", "raw.example", None
    )
    assert stored.event("from-fn")["url_path"] == "/virtual/from-fn"


def test_cache_token_round_trip_and_identify(outcome) -> None:
    visit, stored = outcome("api_calls")
    headers = [sent.cache_header for sent in visit.sends]
    replies = [sent.reply()["cache"] for sent in visit.sends]
    kinds = [sent.payload.get("name") or sent.type for sent in visit.sends]
    assert kinds == [
        "event", "signup", "purchase", "raw-object", "from-fn", "event", "identify",
        "after-identify", "identify", "last",
    ]
    assert headers[0] is None
    for index, header in enumerate(headers[1:], start=1):
        # identify() resets the token to "": the server then starts a fresh visit for the id.
        expected = "" if visit.sends[index].type == "identify" else replies[index - 1]
        assert header == expected, kinds[index]
    assert visit.values["session"] == {"cache": replies[-1], "website": visit.website_id}
    first_identify = visit.sends[6].payload
    assert (first_identify["id"], first_identify["data"]) == ("user-42", {"plan": "pro"})
    second_identify = visit.sends[8].payload
    assert (second_identify["id"], second_identify["data"]) == ("user-42", {"company": "acme"})
    assert visit.named("after-identify").payload["id"] == "user-42"
    assert {(row["data_key"], row["string_value"], row["distinct_id"])
            for row in stored.session_data} == {
        ("plan", "pro", "user-42"), ("company", "acme", "user-42"),
    }
    identified = {row["session_id"] for row in stored.session_data}
    assert {stored.event("after-identify")["session_id"]} == identified


def test_bot_answer_clears_the_token_and_disabled_answer_stops_tracking(outcome) -> None:
    visit, _ = outcome("server_replies")
    names = [sent.payload.get("name") for sent in visit.sends]
    assert names == [None, "answered-as-bot", "after-bot", "disable-me"]
    assert visit.sends[1].cache_header == visit.sends[0].reply()["cache"]
    assert visit.sends[2].cache_header is None  # {"beep": "boop"} carries no token


def test_spa_push_state_and_replace_state(outcome, site) -> None:
    visit, stored = outcome("spa_navigation")
    views = stored.of_type(PAGEVIEW)
    assert len(stored.events) == len(views) == 4  # no performance beacons without the attribute
    assert [(event["url_path"], event["url_query"]) for event in views] == [
        ("/app/start", None), ("/app/step-2", None), ("/app/step-3", "tab=a"),
        ("/app/step-3#details", "tab=a"),
    ]
    assert views[1]["page_title"] == "Step 2"
    referrers = [sent.payload["referrer"] for sent in visit.sends]
    assert referrers == [
        "", f"{site.origin}/app/start", f"{site.origin}/app/step-2",
        f"{site.origin}/app/step-3?tab=a",
    ]
    assert visit.sends[3].payload["url"] == f"{site.origin}/app/step-3?tab=a#details"


def test_search_and_hash_exclusion(outcome, site) -> None:
    visit, stored = outcome("excluded_search_and_hash")
    assert [sent.payload["url"] for sent in visit.sends] == [
        f"{site.origin}/ex/page", f"{site.origin}/ex/next",
    ]
    assert visit.sends[0].payload["referrer"] == "https://ref.example/path"
    assert [(event["url_path"], event["url_query"]) for event in stored.events] == [
        ("/ex/page", None), ("/ex/next", None),
    ]
    assert stored.events[0]["referrer_query"] is None


def test_domains_restrict_tracking(outcome) -> None:
    visit, stored = outcome("domains_other")
    assert visit.sends == [] and stored.events == []
    assert visit.values["then"] == "resolved"  # calls still resolve, quietly
    visit, stored = outcome("domains_listed")
    assert [event["url_path"] for event in stored.events] == ["/quiet/domains-listed"]


def test_do_not_track(outcome) -> None:
    visit, stored = outcome("do_not_track_respected")
    assert visit.sends == [] and stored.events == []
    visit, stored = outcome("do_not_track_ignored_by_default")
    assert len(stored.of_type(PAGEVIEW)) == 1


def test_local_storage_flag_is_checked_before_every_send(outcome) -> None:
    visit, stored = outcome("opted_out_in_local_storage")
    assert visit.values["before"] == 0
    # Disabled at load means no automatic tracking; removing the flag re-enables manual calls.
    assert [sent.payload.get("name") for sent in visit.sends] == ["opted-back-in"]
    assert [event["event_name"] for event in stored.events] == ["opted-back-in"]


def test_no_website_id_or_module_loading_sends_nothing(outcome) -> None:
    visit, _ = outcome("without_website_id")
    assert visit.sends == [] and visit.values["then"] is True
    visit, stored = outcome("loaded_as_module")
    assert visit.sends == [] and stored.events == []
    assert visit.values["umami"] == "undefined"  # no currentScript: the tracker stays inert


def test_auto_track_off_leaves_only_manual_calls(outcome) -> None:
    visit, stored = outcome("manual_tracking_only")
    assert visit.values["before"] == 0  # no page view, click, history or performance tracking
    assert [(event["event_type"], event["event_name"]) for event in stored.events] == [
        (CUSTOM_EVENT, "manual"),
    ]


def test_click_events_with_data_attributes(outcome) -> None:
    visit, stored = outcome("clicks")
    names = sorted(event["event_name"] for event in stored.of_type(CUSTOM_EVENT))
    assert names == ["buy", "card-click", "go-next", "outbound"]
    assert stored.data_of("buy") == {"plan-id": "pro", "price": "10"}  # attributes are strings
    assert stored.data_of("card-click") == {"card": "c1"}
    assert stored.data_of("outbound") == {"to": "popup"}
    assert stored.data_of("go-next") == {"where": "footer"}
    assert stored.event("go-next")["url_path"] == "/clicks/start"
    views = stored.of_type(PAGEVIEW)
    assert [event["url_path"] for event in views] == ["/clicks/start", "/clicks/next"]
    assert views[1]["referrer_domain"] is None  # a referrer from the same site is dropped


def test_internal_link_waits_for_its_event(outcome) -> None:
    visit, _ = outcome("clicks")
    # The navigation to the next page started only once the event's (slowed) answer was in.
    assert 0 < visit.values["answered"] <= visit.values["next"]


def test_before_send_cancels_and_rewrites(outcome) -> None:
    visit, stored = outcome("before_send_hook")
    assert sorted(visit.values["calls"]) == sorted([
        "event:", "event:drop-sync", "event:drop-async", "event:rename-sync", "event:rename-async",
    ])
    [view] = stored.of_type(PAGEVIEW)
    assert view["url_query"] == "token=hidden"
    assert sorted(event["event_name"] for event in stored.of_type(CUSTOM_EVENT)) == [
        "renamed-async", "renamed-sync",
    ]
    assert stored.data_of("renamed-sync") == {"by": "hook"}


def test_web_vitals_beacons(outcome) -> None:
    visit, stored = outcome("web_vitals")
    assert [sent.type for sent in visit.sends] == ["event", "performance", "event", "performance"]
    first, second = [sent.payload for sent in visit.sends if sent.type == "performance"]
    assert first["url"].endswith("/perf/page") and second["url"].endswith("/perf/second")
    assert first["duration"] > 0
    assert set(second) - set(visit.sends[0].payload) == {"cls", "duration"}
    beacons = stored.of_type(PERFORMANCE)
    assert [event["url_path"] for event in beacons] == ["/perf/page", "/perf/second"]
    page = beacons[0]
    assert page["lcp"] > 0 and page["fcp"] > 0 and page["ttfb"] > 0
    assert page["cls"] > 0
    assert page["inp"] >= 100  # the 150 ms click handler
    soft = beacons[1]
    assert soft["cls"] == 0
    assert soft["lcp"] is None and soft["fcp"] is None and soft["ttfb"] is None


def test_web_vitals_beacon_after_ten_seconds(outcome) -> None:
    visit, stored = outcome("web_vitals_after_ten_seconds")
    assert visit.values["before"] == 1
    assert [sent.type for sent in visit.sends] == ["event", "performance"]
    assert len(stored.of_type(PERFORMANCE)) == 1


def test_data_host_url(outcome, server) -> None:
    visit, stored = outcome("host_url")
    assert [sent.url for sent in visit.sends] == [f"{server.base_url}/api/send"]
    assert len(stored.events) == 1
