"""GET /api/v1/calendar/: the same entries as the calendar page, as JSON, for members only."""

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from calendar_app.models import PostStatus
from tests.calendar_app.calendar.calendar_support import approved_post_at, madrid, post_at
from tests.factories import WorkspaceFactory, member

pytestmark = pytest.mark.django_db
YEAR = timezone.now().year + 1
URL = "/api/v1/calendar/"


def get(client, user, **params):
    token, _created = Token.objects.get_or_create(user=user)
    return client.get(URL, params, HTTP_AUTHORIZATION=f"Token {token.key}")


def test_entries_of_a_range_with_utc_and_local_times(client, brand):
    draft = post_at(brand, madrid(YEAR, 6, 10, 0, 30), channels=[brand.mastodon, brand.bluesky])
    approved_post_at(brand, madrid(YEAR, 6, 20, 9, 0))
    post_at(brand, madrid(YEAR, 7, 1, 0, 0))
    response = get(client, brand.viewer, workspace=brand.pk, start=f"{YEAR}-06-01", end=f"{YEAR}-07-01")
    assert response.status_code == 200
    body = response.json()
    assert body["timezone"] == "Europe/Madrid" and body["count"] == 2
    first = body["entries"][0]
    assert first["id"] == draft.pk
    assert first["scheduled_at"] == f"{YEAR}-06-09T22:30:00Z"
    assert first["local_time"] == f"{YEAR}-06-10T00:30:00+02:00"
    assert first["status"] == "draft" and first["status_label"] == "Draft"
    assert [c["network"] for c in first["channels"]] == ["bluesky", "mastodon"]
    assert first["url"] == f"http://testserver/w/sol/posts/{draft.pk}/"
    assert body["entries"][1]["status"] == PostStatus.APPROVED


def test_tz_and_filters(client, brand):
    post_at(brand, madrid(YEAR, 6, 10, 0, 30))
    approved_post_at(brand, madrid(YEAR, 6, 20, 9, 0), channels=[brand.bluesky])
    body = get(
        client,
        brand.author,
        workspace=brand.pk,
        start=f"{YEAR}-06-01T00:00:00Z",
        end=f"{YEAR}-07-01T00:00:00Z",
        tz="America/New_York",
        status="draft",
    ).json()
    assert body["count"] == 1 and body["entries"][0]["local_time"] == f"{YEAR}-06-09T18:30:00-04:00"
    by_channel = get(
        client,
        brand.author,
        workspace=brand.pk,
        start=f"{YEAR}-06-01",
        end=f"{YEAR}-07-01",
        channel=brand.bluesky.pk,
    )
    assert [e["status"] for e in by_channel.json()["entries"]] == ["approved"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "soon", "end": "2030-01-02"}, "start"),
        ({"start": "2030-01-02", "end": "2030-01-01"}, "end"),
        ({"start": "2030-01-01", "end": "2030-06-01"}, "end"),
        ({"start": "2030-01-01", "end": "2030-01-02", "tz": "Nowhere/Land"}, "tz"),
        ({"start": "2030-01-01", "end": "2030-01-02", "status": "lost"}, "status"),
        ({"start": "2030-01-01", "end": "2030-01-02", "channel": "x"}, "channel"),
        ({"start": "2030-01-01", "end": "2030-01-02", "workspace": ""}, "workspace"),
    ],
)
def test_bad_parameters_are_400_json_errors(client, brand, params, field):
    params.setdefault("workspace", brand.pk)
    response = get(client, brand.author, **params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid" and body["details"]["field"] == field and body["message"]


def test_other_workspaces_are_404_and_anonymous_is_401(client, brand):
    outsider = member(WorkspaceFactory(), "admin")
    response = get(client, outsider, workspace=brand.pk, start="2030-01-01", end="2030-01-02")
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    assert client.get(URL, {"workspace": brand.pk}).status_code == 401


def test_the_schema_documents_the_endpoint(client, brand):
    client.force_login(brand.author)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/calendar/" in schema and "local_time" in schema
