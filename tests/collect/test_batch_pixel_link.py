"""POST /api/batch, the tracking pixel /p/{slug} and the short link /q/{slug}."""

from __future__ import annotations

from tests.conftest import metadata_of
from tests.server_process import CHROME_UA

GIF = bytes.fromhex(
    "47494638396101000100800000ffffff00000021f90401000000002c00000000010001000002024401003b"
)


def batch(server, items, **headers):
    with server.client() as client:
        return client.post("/api/batch", json=items,
                           headers={"User-Agent": CHROME_UA, "X-Forwarded-For": "81.2.69.1",
                                    **headers})


def test_batch_reports_each_item(server, website_id):
    items = [
        {"type": "event", "payload": {"website": website_id, "url": "/one"}},
        {"type": "event", "payload": {"website": "00000000-0000-4000-8000-000000000000"}},
        {"type": "event", "payload": {"website": website_id, "url": "/two", "name": "clicked"}},
    ]
    response = batch(server, items)
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["size", "processed", "errors", "details", "cache"]
    assert (body["size"], body["processed"], body["errors"]) == (3, 2, 1)
    assert body["details"] == [{"index": 1, "response": {"error": {
        "message": "Website not found.", "code": "bad-request", "status": 400}}}]
    assert body["cache"].count(".") == 2


def test_empty_batch(server):
    assert batch(server, []).json() == {
        "size": 0, "processed": 0, "errors": 0, "details": [], "cache": None}


def test_batch_of_bots_counts_as_processed_without_cache(server, website_id):
    body = batch(server, [{"type": "event", "payload": {"website": website_id}}],
                 **{"User-Agent": "curl/8.5.0"}).json()
    assert body == {"size": 1, "processed": 1, "errors": 0, "details": []}


def test_batch_items_can_be_backdated_and_are_stored(server):
    store = metadata_of(server.data_dir)
    website = store.create_website("Batch", "batch.example")["website_id"]
    store.close()
    items = [{"type": "event", "payload": {"website": website, "url": f"/p{i}",
                                           "timestamp": 1_700_000_000 + i}} for i in range(5)]
    assert batch(server, items).json()["processed"] == 5
    rows = server.stored(
        "SELECT url_path, CAST(date_part('epoch', created_at) AS BIGINT) FROM website_event "
        "WHERE website_id = ? ORDER BY created_at", [website])
    assert rows == [(f"/p{i}", 1_700_000_000 + i) for i in range(5)]


def test_pixel_answers_a_gif_and_records_the_hit(server):
    store = metadata_of(server.data_dir)
    pixel = store.create_pixel("Newsletter", "news-pixel")
    store.close()
    with server.client() as client:
        headers = {"User-Agent": CHROME_UA, "X-Forwarded-For": "81.2.69.2",
                   "Referer": "https://mail.example.org/inbox"}
        hit = client.get("/p/news-pixel?utm_source=newsletter", headers=headers)
        assert hit.status_code == 200
        assert hit.content == GIF
        assert hit.headers["content-type"] == "image/gif"
        assert hit.headers["content-length"] == "43"
        assert hit.headers["cache-control"] == "no-cache, no-store, must-revalidate"
        assert hit.headers["pragma"] == "no-cache" and hit.headers["expires"] == "0"
        assert "access-control-allow-origin" not in hit.headers
        head = client.head("/p/news-pixel", headers=headers)
        assert head.status_code == 200 and head.content == b""
        missing = client.get("/p/no-such-pixel")
        assert missing.status_code == 404
        assert missing.json() == {"error": {"message": "Not found", "code": "not-found",
                                            "status": 404}}
        assert client.post("/p/news-pixel").status_code == 405
    rows = server.stored(
        "SELECT event_type, url_path, utm_source, referrer_domain, hostname FROM website_event "
        "WHERE website_id = ? ORDER BY created_at", [pixel["pixel_id"]])
    assert rows == [(4, "/p/news-pixel", "newsletter", "mail.example.org", "127.0.0.1"),
                    (4, "/p/news-pixel", None, "mail.example.org", "127.0.0.1")]


def test_link_redirects_and_records_the_hit(server):
    store = metadata_of(server.data_dir)
    link = store.create_link("Docs", "https://example.com", "docs")
    store.close()
    with server.client() as client:
        hit = client.get("/q/docs", headers={"User-Agent": CHROME_UA})
        assert hit.status_code == 307
        assert hit.headers["location"] == "https://example.com/"
        assert hit.content == b""
        assert client.get("/q/unknown").status_code == 404
    rows = server.stored(
        "SELECT event_type, url_path FROM website_event WHERE website_id = ?", [link["link_id"]])
    assert rows == [(3, "/q/docs")]
