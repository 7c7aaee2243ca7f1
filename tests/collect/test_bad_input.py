"""Every class of malformed input gets a 4xx JSON answer and leaves the server healthy."""

from __future__ import annotations

import pytest

from tests.server_process import CHROME_UA

HEADERS = {"User-Agent": CHROME_UA, "Content-Type": "application/json"}


def post(server, path, content):
    with server.client() as client:
        return client.post(path, content=content, headers=HEADERS)


def payload(website_id, **fields):
    import orjson

    return orjson.dumps({"type": "event", "payload": {"website": website_id, **fields}})


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"\xff\xfe\x00garbage", 400),
        (b"", 400),
        (b"[]", 400),
        (b'"text"', 400),
        (b"null", 400),
        (b'{"type":"event"}', 400),
        (b'{"type":"event","payload":[]}', 400),
        (b'{"type":"event","payload":null}', 400),
        (b'{"type":7,"payload":{}}', 400),
    ],
)
def test_unusable_bodies(server, body, status):
    response = post(server, "/api/send", body)
    assert response.status_code == status
    assert response.json()["error"]["code"] == "bad-request"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"url": 5}, "url", "Invalid input: expected string, received number"),
        ({"name": "x" * 51}, "name", "Too big: expected string to have <=50 characters"),
        ({"hostname": "h" * 101}, "hostname", "Too big: expected string to have <=100 characters"),
        ({"screen": "123456789012"}, "screen", "Too big: expected string to have <=11 characters"),
        ({"language": "l" * 36}, "language", "Too big: expected string to have <=35 characters"),
        ({"tag": "t" * 51}, "tag", "Too big: expected string to have <=50 characters"),
        ({"data": [1, 2]}, "data", "Invalid input: expected record, received array"),
        ({"data": None}, "data", "Invalid input: expected record, received null"),
        ({"timestamp": 1.5}, "timestamp", "Invalid input: expected int, received number"),
        ({"lcp": 61000}, "lcp", "Too big: expected number to be <=60000"),
        ({"lcp": "100"}, "lcp", "Invalid input: expected number, received string"),
        ({"cls": -1}, "cls", "Too small: expected number to be >=0"),
        ({"url": "http://[bad"}, "url", "Invalid URL."),
        ({"title": None}, "title", "Invalid input: expected string, received null"),
    ],
)
def test_field_errors_point_at_the_field(server, website_id, fields, field, message):
    response = post(server, "/api/send", payload(website_id, **fields))
    assert response.status_code == 400
    properties = response.json()["error"]["properties"]["payload"]["properties"]
    assert properties[field]["errors"] == [message]


def test_uuid_rule(server):
    response = post(server, "/api/send", payload("not-a-uuid"))
    properties = response.json()["error"]["properties"]["payload"]["properties"]
    assert properties["website"]["errors"][0] == "Invalid UUID"


def test_two_sources_are_rejected(server, website_id):
    response = post(server, "/api/send", payload(website_id, pixel=website_id))
    assert response.status_code == 400


def test_oversized_body_is_413(server, website_id):
    response = post(server, "/api/send", payload(website_id, title="x" * 300_000))
    assert response.status_code == 413
    assert response.json()["error"]["status"] == 413


def test_huge_or_unstorable_event_data_is_400(server, website_id):
    many = post(server, "/api/send", payload(website_id, name="e",
                                             data={f"k{i}": i for i in range(60)}))
    assert many.status_code == 400
    assert "50" in many.json()["error"]["message"]
    deep_key = post(server, "/api/send", payload(website_id, name="e", data={"k" * 600: 1}))
    assert deep_key.status_code == 400
    huge_number = post(server, "/api/send", payload(website_id, name="e", data={"n": 1e300}))
    assert huge_number.status_code == 400


def test_invalid_hostname_is_400_not_500(server, website_id):
    response = post(server, "/api/send", payload(website_id, hostname="bad host", url="/"))
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Invalid hostname."


def test_batch_bodies_must_be_arrays_of_objects(server, website_id):
    assert post(server, "/api/batch", b'{"type":"event"}').status_code == 400
    assert post(server, "/api/batch", b"nonsense").status_code == 400
    mixed = post(server, "/api/batch", b'[{"type":"event"}, 5]')
    assert mixed.status_code == 400
    assert mixed.json()["error"]["properties"] == {
        "1": {"errors": ["Invalid input: expected object, received number"]}}
    too_many = post(server, "/api/batch", b"[" + b",".join([b"{}"] * 1001) + b"]")
    assert too_many.status_code == 400


def test_server_is_healthy_after_all_that(server, website_id):
    with server.client() as client:
        assert client.get("/api/heartbeat").json() == {"ok": True}
    good = post(server, "/api/send", payload(website_id, url="/still-fine"))
    assert good.status_code == 200
