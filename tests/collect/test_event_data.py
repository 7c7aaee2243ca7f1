"""Flattening of event data into typed rows, and the limits that keep storage healthy."""

import pytest

from umami_server.collect.event_data import (
    EventDataRejected,
    flatten_data,
    revenue_amount,
)


def by_key(data):
    return {row.key: row for row in flatten_data(data)}


def test_types_follow_umami():
    rows = by_key({
        "plan": "pro", "seats": 3, "ratio": 12.345678, "ok": False, "tags": [1, "a", {"x": 1}],
        "nothing": None, "when": "2024-01-02T03:04:05.678+02:00", "plain": "2024-01-02T03:04:05Z",
    })
    assert (rows["plan"].data_type, rows["plan"].string_value) == (1, "pro")
    assert (rows["seats"].data_type, rows["seats"].string_value, rows["seats"].number_value) == (
        2, "3.0000", 3.0)
    assert rows["ratio"].string_value == "12.3457"
    assert (rows["ok"].data_type, rows["ok"].string_value) == (3, "false")
    assert (rows["tags"].data_type, rows["tags"].string_value) == (5, '[1,"a",{"x":1}]')
    assert (rows["nothing"].data_type, rows["nothing"].string_value) == (5, "null")
    assert rows["when"].data_type == 4
    assert rows["when"].string_value == "2024-01-02T01:04:05.678Z"
    assert rows["when"].date_value == 1704157445678000
    # A Z without milliseconds does not match Umami's date pattern: it stays a string.
    assert rows["plain"].data_type == 1


def test_numbers_round_like_javascript_to_fixed():
    assert by_key({"tie": 0.03125})["tie"].string_value == "0.0313"


def test_nested_objects_flatten_depth_first_with_dots():
    assert [row.key for row in flatten_data({"a": {"b": 1, "c": {"d": "x"}}, "e": 2})] == [
        "a.b", "a.c.d", "e"]
    assert flatten_data({}) == []


def test_limits_reject_what_cannot_be_stored():
    with pytest.raises(EventDataRejected, match="50"):
        flatten_data({f"k{i}": i for i in range(51)})
    assert len(flatten_data({f"k{i}": i for i in range(50)})) == 50
    with pytest.raises(EventDataRejected, match="longer"):
        flatten_data({"k" * 501: 1})
    with pytest.raises(EventDataRejected, match="range"):
        flatten_data({"big": 1e16})
    deep: dict = {}
    node = deep
    for _ in range(5000):
        node["n"] = {}
        node = node["n"]
    with pytest.raises(EventDataRejected):
        flatten_data(deep)


def test_long_strings_are_cut_to_500():
    assert len(by_key({"s": "x" * 900})["s"].string_value) == 500


def test_revenue_needs_a_positive_amount_and_a_currency():
    assert revenue_amount({"revenue": 19.99, "currency": "USD"}) == (19.99, "USD")
    assert revenue_amount({"revenue": "19.99", "currency": "EUR"}) == (19.99, "EUR")
    assert revenue_amount({"revenue": 0, "currency": "USD"}) is None
    assert revenue_amount({"revenue": 5}) is None
    assert revenue_amount({"revenue": "abc", "currency": "USD"}) is None
