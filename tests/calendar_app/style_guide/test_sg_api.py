"""POST /api/v1/lint/ and GET /api/v1/workspaces/{id}/style-guide/: any member, nobody else; bad input is a
400 with the usual error body, never a 500."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from calendar_app.models import StyleGuide
from calendar_app.services import style_guide as sg
from tests.calendar_app.style_guide.sg_support import GRATIS_ERROR, OBVIO_WARNING, guide_only, rule_spec

LINT = "/api/v1/lint/"


def client_for(user) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error", "message", "details"}
    assert body["message"]
    if code:
        assert body["error"] == code
    return body


@pytest.mark.parametrize("role", ["viewer", "author", "reviewer", "admin"])
def test_every_member_gets_the_findings(brand, role):
    guide_only(brand, GRATIS_ERROR + OBVIO_WARNING)
    response = client_for(getattr(brand, role)).post(
        LINT,
        {"workspace": brand.workspace.pk, "text": "Obviamente es gratis", "network": "mastodon"},
        format="json",
    )
    assert response.status_code == 200, response.content
    findings = response.json()["findings"]
    assert [(f["rule_id"], f["level"], f["start"], f["end"]) for f in findings] == [
        ("sin-gratis", "error", 14, 20),
        ("tono", "warning", 0, 10),
    ]
    assert findings[0]["message"] == "Nada es gratis."


def test_the_network_selects_the_rules_and_media_alt_texts_are_checked(brand):
    sg.style_rule_create(
        user=brand.admin,
        workspace=brand.workspace,
        rule_spec=rule_spec(id="solo-bluesky", networks=["bluesky"]),
    )
    client = client_for(brand.author)
    payload = {"workspace": brand.workspace.pk, "text": "gratis"}
    ids = lambda response: [f["rule_id"] for f in response.json()["findings"]]  # noqa: E731
    assert "solo-bluesky" in ids(client.post(LINT, {**payload, "network": "bluesky"}, format="json"))
    assert "solo-bluesky" not in ids(client.post(LINT, {**payload, "network": "mastodon"}, format="json"))
    assert "solo-bluesky" in ids(client.post(LINT, {**payload, "network": None}, format="json"))
    with_media = client.post(LINT, {**payload, "media": [{"alt_text": "foto"}]}, format="json")
    assert "texto-alternativo" in ids(with_media)


def test_a_non_member_gets_404_as_if_the_workspace_did_not_exist(brand):
    body = assert_error(
        client_for(brand.outsider).post(
            LINT, {"workspace": brand.workspace.pk, "text": "gratis"}, format="json"
        ),
        404,
        "not_found",
    )
    missing = assert_error(
        client_for(brand.outsider).post(LINT, {"workspace": 999_999, "text": "gratis"}, format="json"), 404
    )
    assert body == missing
    assert_error(client_for(brand.outsider).get(f"/api/v1/workspaces/{brand.workspace.pk}/style-guide/"), 404)


def test_anonymous_requests_get_401(brand):
    response = APIClient().post(LINT, {"workspace": brand.workspace.pk, "text": "gratis"}, format="json")
    assert_error(response, 401)
    assert_error(APIClient().get(f"/api/v1/workspaces/{brand.workspace.pk}/style-guide/"), 401)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": "hola"}, "workspace"),
        ({"workspace": "sol", "text": "hola"}, "workspace"),
        ({"workspace": "WS"}, "text"),
        ({"workspace": "WS", "text": 42, "network": "myspace"}, "network"),
        ({"workspace": "WS", "text": "x" * 20_001}, "text"),
        ({"workspace": "WS", "text": "hola", "media": "foto.png"}, "media"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(brand, payload, field):
    payload = {key: brand.workspace.pk if value == "WS" else value for key, value in payload.items()}
    body = assert_error(client_for(brand.author).post(LINT, payload, format="json"), 400, "invalid")
    assert field in body["details"]["fields"]


def test_a_body_that_is_not_json_is_a_400(brand):
    response = client_for(brand.author).post(LINT, "{not json", content_type="application/json")
    assert_error(response, 400)


def test_members_read_the_guide_in_order_with_disabled_rules_marked(brand):
    guide_only(brand, GRATIS_ERROR + OBVIO_WARNING)
    sg.style_rule_toggle(user=brand.admin, rule=brand.workspace.style_guide.rules.get(key="tono"))
    response = client_for(brand.viewer).get(f"/api/v1/workspaces/{brand.workspace.pk}/style-guide/")
    assert response.status_code == 200
    body = response.json()
    assert body["language"] == "es"
    assert body["version"] == StyleGuide.objects.get(workspace=brand.workspace).version
    assert [(rule["id"], rule["enabled"]) for rule in body["rules"]] == [
        ("sin-gratis", True),
        ("tono", False),
    ]
    assert body["rules"][0]["params"]["words"] == ["gratis"]
