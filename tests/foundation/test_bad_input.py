"""Out-of-range dates, odd digits and the like get a clear 4xx (or are dropped from a calendar URL), never a 500."""

import pytest
from django.urls import reverse

from calendar_app.inputs import id_parse, moment_parse
from calendar_app.models import Role
from tests.factories import WorkspaceFactory, make_post, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand():
    workspace = WorkspaceFactory()
    workspace.author = member(workspace, Role.AUTHOR)
    workspace.admin = member(workspace, Role.ADMIN)
    return workspace


def test_parsers_refuse_what_cannot_be_stored():
    assert id_parse("12") == 12
    assert [id_parse(raw) for raw in ("²", "-1", "0", "1e3", str(2**64))] == [None] * 5
    assert moment_parse("2026-12-01").year == 2026
    assert [moment_parse(raw) for raw in ("2025-13-01T10:00", "0001-01-01T00:00+14:00", "9999-12-30")] == [
        None
    ] * 3


@pytest.mark.parametrize(
    "query",
    [
        "start=0001-01-01T00:00%2B14:00",
        "start=2025-13-01T00:00",
        "channel=%C2%B2",
        "workspace=%C2%B2",
        "channel=999999999999999999999999",
    ],
)
def test_post_list_filters(client, brand, query):
    client.force_login(brand.author)
    response = client.get(f"/api/v1/posts/?{query}")
    assert response.status_code in (400, 404), response.content
    assert set(response.json()) == {"error", "message", "details"}


@pytest.mark.parametrize(
    "query",
    ["start=2025-13-01&end=2025-12-01", "start=0001-01-01T00:00%2B14:00&end=2025-01-01", "channel=%C2%B2"],
)
def test_calendar_api_ranges(client, brand, query):
    client.force_login(brand.author)
    response = client.get(f"/api/v1/calendar/?workspace={brand.pk}&start=2026-01-01&end=2026-01-31&{query}")
    assert response.status_code == 400, response.content


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_calendar_page_drops_a_date_out_of_range(client, brand, day):
    client.force_login(brand.author)
    response = client.get(reverse("calendar_app:calendar", kwargs={"slug": brand.slug}) + f"?date={day}")
    assert response.status_code == 200


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_moving_a_post_out_of_range_is_refused(client, brand, day):
    post = make_post(brand, brand.author)
    client.force_login(brand.author)
    url = reverse("calendar_app:post-move", kwargs={"slug": brand.slug, "pk": post.pk})
    response = client.post(url, {"date": day, "time": "23:59", "tz": "Pacific/Kiritimati"})
    assert response.status_code == 400
    post.refresh_from_db()
    assert post.scheduled_at.year < 3000


@pytest.mark.parametrize("resume_at", ["2025-13-01T10:00", "0001-01-01T00:00+14:00"])
def test_pause_with_an_impossible_resume_time(client, brand, resume_at):
    client.force_login(brand.admin)
    response = client.post(
        f"/api/v1/workspaces/{brand.pk}/pause/",
        {"reason": "crisis", "resume_at": resume_at},
        content_type="application/json",
    )
    assert response.status_code == 400
    brand.refresh_from_db()
    assert brand.paused is False
