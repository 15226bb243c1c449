"""Record keys and link facets for Bluesky posts (no server needed)."""

from datetime import UTC, datetime

from scheduler.adapters.bluesky_records import TID_ALPHABET, link_facets, post_record, rkey_for


def test_record_keys_are_valid_tids_and_stable():
    key = rkey_for("publication-42")
    assert key == rkey_for("publication-42") != rkey_for("publication-43")
    assert len(key) == 13 and key[0] in "234567abcdefghij"
    assert set(key) <= set(TID_ALPHABET)


def test_facet_offsets_count_utf8_bytes():
    text = "é 🎉 https://a.example/x"
    [facet] = link_facets(text, ["https://a.example/x"])
    assert facet["index"] == {"byteStart": 8, "byteEnd": 8 + len("https://a.example/x")}


def test_overlapping_links_keep_the_longest():
    text = "see https://a.example/x/y now"
    facets = link_facets(text, ["https://a.example/x", "https://a.example/x/y"])
    assert [f["features"][0]["uri"] for f in facets] == ["https://a.example/x/y"]


def test_each_occurrence_of_a_link_gets_a_facet():
    text = "https://a.example and again https://a.example"
    assert [f["index"]["byteStart"] for f in link_facets(text, ["https://a.example"])] == [0, 28]


def test_post_record_shape():
    moment = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    record = post_record(text="hi", links=[], images=[], langs=[], created_at=moment)
    assert record == {"$type": "app.bsky.feed.post", "text": "hi", "createdAt": "2025-03-01T12:00:00.000Z"}
