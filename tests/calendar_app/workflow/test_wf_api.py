"""The posts API: CRUD, filters, transitions with their 409s, history, DST rejection, the OpenAPI schema,
and garbage input that must never become a 500."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from calendar_app.models import Post, PostStatus
from tests.calendar_app.workflow.wf_support import bring_to, in_days

S = PostStatus


def client_for(user) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def assert_error(response, status: int, code: str | None = None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error", "message", "details"}, body
    assert body["message"]
    if code:
        assert body["error"] == code
    return body


@pytest.mark.django_db
def test_create_read_update_and_delete_cancels(team):
    api = client_for(team.author)
    created = api.post(
        "/api/v1/posts/",
        {
            "workspace": team.workspace.pk,
            "title": "Lanzamiento",
            "body": "Ya está aquí https://example.org/nuevo",
            "channels": [team.mastodon.pk, team.bluesky.pk],
            "variants": {str(team.bluesky.pk): "Versión corta"},
            "scheduled_at": "2031-03-10T10:30",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "draft" and data["author"] == team.author.username
    assert data["scheduled_at"] == "2031-03-10T09:30:00Z", "10:30 in Madrid (CET) is 09:30 UTC"
    assert data["scheduled_at_local"] == "2031-03-10T10:30:00+01:00"
    assert data["links"] == ["https://example.org/nuevo"]
    assert data["variants"] == {str(team.bluesky.pk): "Versión corta"}
    assert data["revision_count"] == 1 and len(data["content_hash"]) == 64
    pk = data["id"]
    assert api.get(f"/api/v1/posts/{pk}/").json()["title"] == "Lanzamiento"
    patched = api.patch(f"/api/v1/posts/{pk}/", {"body": "Texto nuevo"}, format="json")
    assert patched.status_code == 200 and patched.json()["revision_count"] == 2
    deleted = api.delete(f"/api/v1/posts/{pk}/")
    assert deleted.status_code == 200 and deleted.json()["status"] == "cancelled"
    assert Post.objects.get(pk=pk).status == S.CANCELLED
    assert_error(api.delete(f"/api/v1/posts/{pk}/"), 409, "illegal_transition")


@pytest.mark.django_db
def test_an_offset_time_is_an_instant(team):
    api = client_for(team.author)
    response = api.post(
        "/api/v1/posts/",
        {"workspace": team.workspace.pk, "body": "x", "scheduled_at": "2031-07-01T08:00:00Z"},
        format="json",
    )
    assert response.json()["scheduled_at_local"] == "2031-07-01T10:00:00+02:00"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("local", "words"),
    [("2031-03-30T02:30", "does not exist"), ("2031-10-26T02:30", "happens twice")],
    ids=["spring-gap", "autumn-overlap"],
)
def test_dst_gap_and_overlap_are_rejected(team, local, words):
    api = client_for(team.author)
    response = api.post(
        "/api/v1/posts/", {"workspace": team.workspace.pk, "body": "x", "scheduled_at": local}, format="json"
    )
    body = assert_error(response, 400, "invalid")
    assert words in body["message"] and "Europe/Madrid" in body["message"]
    assert body["details"]["field"] == "scheduled_at"
    post = team.post()
    moved = api.post(f"/api/v1/posts/{post.pk}/reschedule/", {"scheduled_at": local}, format="json")
    assert words in assert_error(moved, 400)["message"]


@pytest.mark.django_db
def test_full_workflow_over_the_api_and_history(team):
    author, reviewer = client_for(team.author), client_for(team.reviewer)
    pk = team.post().pk
    assert author.post(f"/api/v1/posts/{pk}/submit/").json()["status"] == "in_review"
    body = assert_error(author.post(f"/api/v1/posts/{pk}/submit/"), 409, "illegal_transition")
    assert body["details"] == {"status": "in_review", "action": "submit"}
    assert_error(reviewer.post(f"/api/v1/posts/{pk}/request-changes/", {"comment": ""}), 400, "invalid")
    changes = reviewer.post(
        f"/api/v1/posts/{pk}/request-changes/", {"comment": "Añade la fecha"}, format="json"
    )
    assert changes.json()["status"] == "changes_requested"
    author.patch(f"/api/v1/posts/{pk}/", {"body": "El 10 de marzo"}, format="json")
    current = author.post(f"/api/v1/posts/{pk}/submit/").json()
    stale = reviewer.post(f"/api/v1/posts/{pk}/approve/", {"expected_hash": "0" * 64}, format="json")
    assert "changed while you were reviewing" in assert_error(stale, 409)["message"]
    assert_error(author.post(f"/api/v1/posts/{pk}/approve/"), 403, "permission_denied")
    approved = reviewer.post(
        f"/api/v1/posts/{pk}/approve/",
        {"expected_hash": current["content_hash"], "comment": "OK"},
        format="json",
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["approvals"][0]["reviewer"] == team.reviewer.username
    new_time = (timezone.now() + timedelta(days=9)).replace(microsecond=0)
    moved = reviewer.post(
        f"/api/v1/posts/{pk}/reschedule/", {"scheduled_at": new_time.isoformat()}, format="json"
    )
    assert moved.json()["status"] == "approved"
    history = author.get(f"/api/v1/posts/{pk}/history/").json()
    assert [(e["action"], e["from_status"], e["to_status"]) for e in history] == [
        ("create", "", "draft"),
        ("submit", "draft", "in_review"),
        ("request_changes", "in_review", "changes_requested"),
        ("content_changed", "changes_requested", "draft"),
        ("submit", "draft", "in_review"),
        ("approve", "in_review", "approved"),
        ("reschedule", "approved", "approved"),
    ]
    assert history[2]["comment"] == "Añade la fecha" and history[2]["actor"] == team.reviewer.username
    assert set(history[0]) == {
        "id",
        "at",
        "actor",
        "action",
        "from_status",
        "to_status",
        "comment",
        "details",
        "preflight_report",
    }


@pytest.mark.django_db
def test_filters(team):
    api = client_for(team.viewer)
    soon = bring_to(team, "in_review", when=in_days(1))
    later = team.post(channels=[team.bluesky], when=in_days(20))

    def ids(**params):
        response = api.get("/api/v1/posts/", params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [soon.pk, later.pk]
    assert ids(workspace=team.workspace.pk) == [soon.pk, later.pk]
    assert ids(workspace=team.workspace.slug, status="in_review") == [soon.pk]
    assert ids(status="draft,in_review") == [soon.pk, later.pk]
    assert ids(channel=team.mastodon.pk) == [soon.pk]
    assert ids(start=in_days(10).isoformat()) == [later.pk]
    assert ids(end=in_days(10).date().isoformat()) == [soon.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"status": "nonsense"},
        {"channel": "abc"},
        {"channel": "-1"},
        {"channel": "99999999999999999999999"},
        {"start": "yesterday"},
        {"end": "2031-13-45"},
        {"start": "2031-02-30T10:00"},
    ],
)
def test_bad_filters_are_400_not_500(team, params):
    assert_error(client_for(team.author).get("/api/v1/posts/", params), 400, "invalid")


@pytest.mark.django_db
@pytest.mark.parametrize("workspace", ["nope", "999999", "99999999999999999999999"])
def test_unknown_workspace_filter_is_404(team, workspace):
    assert_error(client_for(team.author).get("/api/v1/posts/", {"workspace": workspace}), 404, "not_found")


GARBAGE_BODIES = [
    [1, 2, 3],
    "just a string",
    {"workspace": "abc"},
    {"workspace": -4},
    {"workspace": 10**30},
    {"body": "no workspace"},
    {"workspace": "WS", "body": {"nested": True}},
    {"workspace": "WS", "body": "x", "channels": "all"},
    {"workspace": "WS", "body": "x", "channels": [None]},
    {"workspace": "WS", "body": "x", "channels": [10**30]},
    {"workspace": "WS", "body": "x", "channels": [999999]},
    {"workspace": "WS", "body": "x", "variants": ["a"]},
    {"workspace": "WS", "body": "x", "variants": {"abc": "text"}},
    {"workspace": "WS", "body": "x", "variants": {"999999": "text"}},
    {"workspace": "WS", "body": "x", "variants": {"1": {"deep": 1}}},
    {"workspace": "WS", "body": "x", "scheduled_at": "tomorrow"},
    {"workspace": "WS", "body": "x", "scheduled_at": 12345},
    {"workspace": "WS", "body": "x", "scheduled_at": "2031-02-30T10:00"},
    {"workspace": "WS", "body": "x", "scheduled_at": "9999-12-31T23:59:59-23:59"},
    {"workspace": "WS", "body": "nul \u0000 byte"},
    {"workspace": "WS", "body": "x" * 30_000},
    {"workspace": "WS", "title": "t" * 500, "body": "x"},
    {"workspace": "WS", "body": "x", "campaign": "big"},
    {"workspace": "WS", "body": "x", "campaign": 424242},
    {"workspace": "WS", "body": "x", "tags": [1.5]},
]


@pytest.mark.django_db
@pytest.mark.parametrize("payload", GARBAGE_BODIES, ids=range(len(GARBAGE_BODIES)))
def test_garbage_create_bodies_are_4xx_json(team, payload):
    if isinstance(payload, dict) and payload.get("workspace") == "WS":
        payload = {**payload, "workspace": team.workspace.pk}
    response = client_for(team.author).post("/api/v1/posts/", payload, format="json")
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert set(response.json()) == {"error", "message", "details"}
    assert Post.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("approve/", {"acknowledge_warnings": "maybe"}),
        ("approve/", {"expected_hash": ["x"]}),
        ("approve/", [1]),
        ("reschedule/", {}),
        ("reschedule/", {"scheduled_at": None}),
        ("reschedule/", {"scheduled_at": "2031-01-01T25:00"}),
        ("request-changes/", {"comment": {"a": 1}}),
        ("cancel/", {"comment": "c" * 6000}),
        ("", {"channels": [1, "two"]}),
        ("", {"workspace": 42}),
        ("media/", {"alt_text": "no file"}),
    ],
)
def test_garbage_transition_bodies_are_4xx_json(team, path, payload):
    post = bring_to(team, "in_review")
    api = client_for(team.reviewer)
    url = f"/api/v1/posts/{post.pk}/{path}"
    response = api.patch(url, payload, format="json") if path == "" else api.post(url, payload, format="json")
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert set(response.json()) == {"error", "message", "details"}
    post.refresh_from_db()
    assert post.status == S.IN_REVIEW


@pytest.mark.django_db
def test_malformed_json_and_wrong_media_type(team):
    api = client_for(team.author)
    bad_json = api.generic("POST", "/api/v1/posts/", "{not json", content_type="application/json")
    assert_error(bad_json, 400)
    xml = api.generic("POST", "/api/v1/posts/", "<post/>", content_type="application/xml")
    assert_error(xml, 415)
    assert_error(api.put(f"/api/v1/posts/{team.post().pk}/", {}, format="json"), 405)


@pytest.mark.django_db
def test_unauthenticated_and_bad_token(team):
    assert_error(APIClient().get("/api/v1/posts/"), 401)
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_error(bad.get("/api/v1/posts/"), 401)


@pytest.mark.django_db
def test_huge_ids_in_the_path_are_404(team):
    api = client_for(team.author)
    assert_error(api.get("/api/v1/posts/99999999999999999999999/"), 404)
    assert_error(api.post("/api/v1/posts/9223372036854775808/submit/"), 404)


@pytest.mark.django_db
def test_openapi_schema_and_docs(team):
    api = client_for(team.author)
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in [
        "/api/v1/posts/",
        "/api/v1/posts/{id}/",
        "/api/v1/posts/{id}/submit/",
        "/api/v1/posts/{id}/approve/",
        "/api/v1/posts/{id}/request-changes/",
        "/api/v1/posts/{id}/cancel/",
        "/api/v1/posts/{id}/reschedule/",
        "/api/v1/posts/{id}/history/",
    ]:
        assert path in paths, path
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/posts/{id}/"])
    approve = paths["/api/v1/posts/{id}/approve/"]["post"]
    assert "409" in approve["responses"]
    client = APIClient()
    client.force_login(team.author)
    assert client.get("/api/docs/").status_code == 200
