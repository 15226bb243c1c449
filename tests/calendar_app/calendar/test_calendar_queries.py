"""The calendar reads a constant number of queries whatever the number of posts it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calendar_app.models import Campaign, Tag
from calendar_app.views.calendar.layout import LIST_LIMIT
from tests.calendar_app.calendar.calendar_support import bulk_posts, calendar_url, madrid

pytestmark = pytest.mark.django_db
YEAR = timezone.now().year + 1
MONTH_BOUND = 12
BOUNDS = {"month": MONTH_BOUND, "week": MONTH_BOUND, "list": MONTH_BOUND + 1}  # the list also shows tags


@pytest.fixture
def dressed_brand(brand):
    """Campaigns and tags too, so the filter bar's lists are part of the count."""
    Campaign.objects.create(workspace=brand, name="Verano")
    Tag.objects.create(workspace=brand, name="menú")
    return brand


@pytest.mark.parametrize("count", [20, 2000])
@pytest.mark.parametrize("view", ["month", "week", "list"])
def test_views_use_a_bounded_number_of_queries(
    client, dressed_brand, django_assert_max_num_queries, count, view
):
    posts = bulk_posts(dressed_brand, count=count, first_day=madrid(YEAR, 6, 1, 0, 5))
    client.force_login(dressed_brand.author)
    url = calendar_url(dressed_brand, view=view, date=f"{YEAR}-06-10")
    with django_assert_max_num_queries(BOUNDS[view]):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    shown = html.count('class="cal-card"')
    assert shown > 0
    if view == "list":
        in_range = [p for p in posts if p.scheduled_at >= madrid(YEAR, 6, 10)]
        assert shown == len(in_range) if count == 20 else LIST_LIMIT <= shown < LIST_LIMIT + 100
        assert ("Later posts" in html) == (count == 2000)


def test_the_query_count_is_the_same_for_20_and_2000_posts(client, dressed_brand):
    def month_queries() -> list[str]:
        with CaptureQueriesContext(connection) as context:
            assert (
                client.get(calendar_url(dressed_brand, view="month", date=f"{YEAR}-06-10")).status_code == 200
            )
        return [query["sql"] for query in context.captured_queries]

    client.force_login(dressed_brand.author)
    bulk_posts(dressed_brand, count=20, first_day=madrid(YEAR, 6, 1, 0, 5))
    with_20 = month_queries()
    bulk_posts(dressed_brand, count=1980, first_day=madrid(YEAR, 6, 2, 0, 7))
    with_2000 = month_queries()
    assert len(with_2000) == len(with_20), "\n".join(with_2000)


def test_the_calendar_api_query_count_is_the_same_for_20_and_2000_posts(client, dressed_brand):
    def api_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get(
                "/api/v1/calendar/",
                {"workspace": dressed_brand.pk, "start": f"{YEAR}-06-01", "end": f"{YEAR}-07-01"},
            )
            assert response.status_code == 200
        return len(context.captured_queries)

    client.force_login(dressed_brand.author)
    bulk_posts(dressed_brand, count=20, first_day=madrid(YEAR, 6, 1, 0, 5))
    with_20 = api_queries()
    bulk_posts(dressed_brand, count=1980, first_day=madrid(YEAR, 6, 2, 0, 7))
    assert api_queries() == with_20
