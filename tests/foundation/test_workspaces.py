import pytest
from django.urls import reverse

from calendar_app.models import Role
from tests.factories import WorkspaceFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_brands():
    brand_a, brand_b = WorkspaceFactory(name="Alpha"), WorkspaceFactory(name="Beta")
    return brand_a, brand_b, member(brand_a, Role.ADMIN)


def test_a_member_of_a_gets_404_for_the_calendar_of_b(client, two_brands):
    brand_a, brand_b, user = two_brands
    client.force_login(user)
    assert client.get(reverse("calendar_app:calendar", kwargs={"slug": brand_a.slug})).status_code == 200
    assert client.get(reverse("calendar_app:calendar", kwargs={"slug": brand_b.slug})).status_code == 404


def test_switching_to_a_workspace_you_are_not_in_is_404(client, two_brands):
    _brand_a, brand_b, user = two_brands
    client.force_login(user)
    response = client.post(reverse("calendar_app:workspace-switch"), {"slug": brand_b.slug})
    assert response.status_code == 404


def test_the_switcher_lists_only_your_workspaces(client, two_brands):
    brand_a, brand_b, user = two_brands
    client.force_login(user)
    page = client.get(reverse("calendar_app:calendar", kwargs={"slug": brand_a.slug})).content.decode()
    assert "Alpha" in page
    assert "Beta" not in page


def test_api_lists_only_your_workspaces_with_role(client, two_brands):
    brand_a, _brand_b, user = two_brands
    client.force_login(user)
    body = client.get("/api/v1/workspaces/").json()
    assert [(w["slug"], w["role"]) for w in body] == [(brand_a.slug, "admin")]


def test_api_token_auth_and_json_errors(client, two_brands):
    _brand_a, _brand_b, user = two_brands
    bad = client.post("/api/v1/auth/token/", {"username": user.username, "password": "wrong"})
    assert bad.status_code == 400
    assert set(bad.json()) == {"error", "message", "details"}
    token = client.post(
        "/api/v1/auth/token/", {"username": user.username, "password": "pw-Secret-123"}
    ).json()["token"]
    anonymous = client.get("/api/v1/workspaces/")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"] == "not_authenticated"
    assert client.get("/api/v1/workspaces/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def test_home_redirects_to_the_calendar_of_the_current_workspace(client, two_brands):
    brand_a, _brand_b, user = two_brands
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("calendar_app:calendar", kwargs={"slug": brand_a.slug})


def test_a_user_without_workspace_sees_what_to_do(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    page = client.get("/")
    assert page.status_code == 200
    assert "not in any workspace" in page.content.decode()


def test_login_page_renders_offline_assets(client):
    page = client.get("/login/").content.decode()
    assert "/static/bootstrap/css/bootstrap.min.css" in page
    assert "htmx" in page
    assert "http://" not in page.replace("http://testserver", "")
    assert "https://" not in page
