"""Page URL, referrer and title derivations (spec §3.2–§3.5, §4.2)."""

from __future__ import annotations

import pytest
from ada_url import URLSearchParams

from umami_server.enrich.urls import (
    InvalidHostname,
    PageLocation,
    ReferrerLocation,
    decode_uri,
    decode_uri_component,
    is_valid_url,
    page_title,
    parse_page_url,
    parse_referrer,
    performance_path,
)


def page(
    url: str | None, hostname: str | None = "example.com", trailing: bool = False
) -> PageLocation:
    return parse_page_url(url, hostname, remove_trailing_slash=trailing)


# --- §3.2 examples (hostname example.com) -------------------------------------------------


def test_path_is_decoded_but_an_encoded_slash_stays_and_the_query_stays_encoded():
    location = page("/caf%C3%A9/%2Fx?y=%C3%A9")
    assert location.url_path == "/café/%2Fx"
    assert location.url_query == "y=%C3%A9"


def test_hash_is_appended_to_the_path_and_query_loses_its_question_mark():
    location = page("/path/?q=1#hash")
    assert location.url_path == "/path/#hash"
    assert location.url_query == "q=1"


def test_missing_url_gives_an_empty_path():
    assert page(None).url_path == ""


def test_empty_url_is_the_base_itself():
    assert page("").url_path == "/"


def test_relative_url_resolves_against_the_payload_hostname():
    assert page("page.html").url_path == "/page.html"


def test_literal_undefined_path_is_also_empty():
    assert page("/undefined#x").url_path == ""


@pytest.mark.parametrize(
    ("url", "stored_path"),
    [
        ("/", ""),
        ("/blog/", "/blog"),
        ("/blog/#top", "/blog#top"),
        ("/a/#b/", "/a#b/"),
        ("/a//", "/a/"),
    ],
)
def test_remove_trailing_slash_examples(url: str, stored_path: str):
    assert page(url, trailing=True).url_path == stored_path


def test_trailing_slash_is_kept_without_the_setting():
    assert page("/blog/").url_path == "/blog/"


# --- WHATWG effects --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "stored_path"),
    [
        ("/a/./b/../c", "/a/c"),
        ("\\docs\\intro", "/docs/intro"),
        ("//evil.com/x", "/x"),
        ("/a b/<q>", "/a b/<q>"),  # encoded by the parser, decoded again by decodeURI
        ("/a%zzb", "/a%zzb"),  # malformed escape: left as sent
    ],
)
def test_whatwg_path_normalisation(url: str, stored_path: str):
    assert page(url).url_path == stored_path


def test_quote_is_encoded_in_the_query_but_not_in_the_path():
    location = page("/it's?q=it's b")
    assert location.url_path == "/it's"
    assert location.url_query == "q=it%27s%20b"


def test_fragment_characters_are_encoded_then_decoded_with_the_path():
    assert page("/p#a b").url_path == "/p#a b"


def test_url_host_is_lower_cased_and_punycoded_and_loses_www():
    assert page("https://WWW.Bücher.de/x", hostname=None).hostname == "xn--bcher-kva.de"


def test_www_strip_uses_an_unescaped_dot():
    assert page("https://www2.example.com/", hostname=None).hostname == ".example.com"


def test_payload_hostname_is_stored_verbatim():
    location = page("https://other.org/x", hostname="WWW.Example.com")
    assert location.hostname == "WWW.Example.com"
    assert location.url_path == "/x"


def test_without_payload_hostname_a_relative_url_lands_on_localhost():
    assert page("/x", hostname=None).hostname == "localhost"


def test_url_without_host_gives_no_hostname():
    location = page("mailto:someone@example.com", hostname=None)
    assert location.hostname is None
    assert location.url_path == "someone@example.com"


@pytest.mark.parametrize("hostname", ["exa mple.com", "bad<host>", "a%zz"])
def test_hostname_that_cannot_form_a_base_url_is_rejected(hostname: str):
    with pytest.raises(InvalidHostname):
        page("/x", hostname=hostname)


def test_empty_query_is_none():
    assert page("/x?").url_query is None
    assert page("/x").url_query is None


def test_path_and_query_are_truncated_to_500_characters():
    location = page("/" + "p" * 600 + "?" + "q" * 600)
    assert location.url_path == "/" + "p" * 499
    assert location.url_query == "q" * 500


def test_lone_surrogate_becomes_a_replacement_character():
    assert page("/\ud800").url_path == "/\ufffd"


# --- §3.4 UTM parameters and click ids ------------------------------------------------------


def test_campaign_parameters_use_url_search_params_semantics():
    location = page(
        "/?utm_source=news+letter&utm_source=second&utm_medium=e%2Dmail&utm_campaign="
        "&utm%5Fterm=encoded+key&gclid=G1&fbclid=F1&msclkid=M1&ttclid=T1&twclid=X1&li_fat_id=L1"
    )
    assert location.utm_source == "news letter"  # first occurrence, '+' is a space
    assert location.utm_medium == "e-mail"
    assert location.utm_campaign == ""  # present but empty
    assert location.utm_content is None  # absent
    assert location.utm_term == "encoded key"
    assert (location.gclid, location.fbclid, location.msclkid) == ("G1", "F1", "M1")
    assert (location.ttclid, location.twclid, location.li_fat_id) == ("T1", "X1", "L1")


def test_campaign_values_are_truncated_to_255_characters():
    assert page("/?utm_source=" + "s" * 300).utm_source == "s" * 255


@pytest.mark.parametrize(
    "query",
    [
        "utm_source=%E2%82%AC",
        "utm_source=%zz%41",
        "utm_source=a=b=c",
        "utm_source&utm_medium=x",
        "=x&utm_source=%2B+",
        "utm_source=%C3%A9t%C3%A9&&utm_source=2",
        "utm_sourc%65=e",
    ],
)
def test_campaign_decoding_agrees_with_ada_url_search_params(query: str):
    expected = next((v for k, v in URLSearchParams(query).items() if k == "utm_source"), None)
    assert page("/?" + query).utm_source == expected


def test_invalid_utf8_in_a_campaign_value_becomes_a_replacement_character():
    # WHATWG decodes with U+FFFD repair (ada's own URLSearchParams does not, hence our parser).
    assert page("/?utm_source=%E2%82x").utm_source == "\ufffdx"


# --- §3.3 referrer -------------------------------------------------------------------------


def test_referrer_fields():
    assert parse_referrer("https://www.google.com/search?q=caf%C3%A9#top", "example.com") == (
        ReferrerLocation(path="/search", query="q=caf%C3%A9", domain="google.com")
    )


def test_referrer_www_strip_needs_a_real_dot():
    assert parse_referrer("https://www2.example.org/", None).domain == "www2.example.org"


def test_referrer_path_is_decoded_without_trailing_slash_removal():
    assert parse_referrer("https://ref.org/caf%C3%A9/", "example.com").path == "/café/"


def test_relative_referrer_resolves_against_the_payload_hostname():
    assert parse_referrer("/from", "example.com") == ReferrerLocation("/from", None, "example.com")


@pytest.mark.parametrize("referrer", [None, ""])
def test_missing_referrer_gives_no_fields(referrer: str | None):
    assert parse_referrer(referrer, "example.com") == ReferrerLocation(None, None, None)


def test_referrer_fields_are_truncated_to_500_characters():
    referrer = parse_referrer("https://r.org/" + "p" * 600 + "?" + "q" * 600, None)
    assert referrer.path == "/" + "p" * 499
    assert referrer.query == "q" * 500


# --- §4.2 performance path -------------------------------------------------------------------


def test_performance_path_is_the_raw_pathname():
    assert performance_path("/caf%C3%A9/?q=1#h", "example.com") == "/caf%C3%A9/"


def test_performance_path_shows_the_whatwg_percent_encoding():
    assert performance_path("/a b/<q>/é", "example.com") == "/a%20b/%3Cq%3E/%C3%A9"


def test_performance_path_of_missing_url_is_empty():
    assert performance_path(None, "example.com") == ""


# --- decoding and §3.5 title -----------------------------------------------------------------


def test_decode_uri_leaves_reserved_characters_encoded():
    assert (
        decode_uri("%3B%2F%3F%3A%40%26%3D%2B%24%2C%23%41%c3%a9")
        == "%3B%2F%3F%3A%40%26%3D%2B%24%2C%23Aé"
    )


def test_decode_uri_component_decodes_reserved_characters():
    assert decode_uri_component("a%2Fb%3Fc%23d") == "a/b?c#d"


@pytest.mark.parametrize("malformed", ["100%", "%zz", "%E9", "%C3%A9%C3", "%ED%A0%80", "%C0%AF"])
def test_malformed_escapes_leave_the_whole_string_unchanged(malformed: str):
    assert decode_uri("x%41" + malformed) == "x%41" + malformed
    assert decode_uri_component("x%41" + malformed) == "x%41" + malformed


def test_page_title_examples():
    assert page_title("50%25 off") == "50% off"
    assert page_title("100% sure") == "100% sure"
    assert page_title(None) is None
    assert page_title("t" * 600) == "t" * 500


# --- §1.1 validation -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["/x", "", "page.html", "https://example.com/a?b#c", "?q"])
def test_valid_urls(value: str):
    assert is_valid_url(value)


@pytest.mark.parametrize("value", ["https://exa mple.com/", "http://[::1", "https://"])
def test_invalid_urls(value: str):
    assert not is_valid_url(value)
