"""REST endpoints of the scheduler: channels, pause/resume, on-demand pre-flight."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from scheduler.models import Channel
from tests.factories import UserFactory
from tests.scheduler.engine.conftest import PEER_TOKEN, approved_post

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_channels_are_listed_without_credentials(brand):
    response = api(brand.author).get(f"/api/v1/workspaces/{brand.workspace.pk}/channels/")

    assert response.status_code == 200
    assert response.json()[0]["brand_handle"] == "@brand"
    assert response.json()[0]["brand_account_id"] == "1001"
    assert PEER_TOKEN not in response.content.decode()
    assert "credentials" not in response.content.decode()


def test_admin_connects_a_channel_the_network_vouches_for(brand, mastodon):
    payload = {
        "network": "mastodon",
        "display_name": "Second",
        "instance_url": mastodon.base_url,
        "access_token": PEER_TOKEN,
        "confirm_brand": True,
    }
    Channel.objects.filter(pk=brand.channel.pk).update(status="disabled")

    response = api(brand.admin).post(
        f"/api/v1/workspaces/{brand.workspace.pk}/channels/", payload, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["brand_handle"], body["is_brand_account"]) == ("@brand", True)
    assert PEER_TOKEN not in response.content.decode()
    channel = Channel.objects.get(pk=body["id"])
    assert PEER_TOKEN not in channel.credentials_encrypted


def test_wrong_credentials_are_refused_with_the_networks_reason_and_no_secret(brand, mastodon):
    payload = {
        "network": "mastodon",
        "display_name": "Bad",
        "instance_url": mastodon.base_url,
        "access_token": "wrong-token-123456",
    }

    response = api(brand.admin).post(
        f"/api/v1/workspaces/{brand.workspace.pk}/channels/", payload, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert "The access token is invalid" in response.json()["message"]
    assert "wrong-token-123456" not in response.content.decode()


def test_only_admins_connect_channels(brand, mastodon):
    payload = {
        "network": "mastodon",
        "display_name": "X",
        "instance_url": mastodon.base_url,
        "access_token": "t",
    }
    response = api(brand.reviewer).post(
        f"/api/v1/workspaces/{brand.workspace.pk}/channels/", payload, format="json"
    )
    assert response.status_code == 403


def test_outsiders_do_not_see_the_workspace(brand):
    response = api(UserFactory()).get(f"/api/v1/workspaces/{brand.workspace.pk}/channels/")
    assert response.status_code == 404


def test_pause_and_resume(brand):
    url = f"/api/v1/workspaces/{brand.workspace.pk}"
    assert api(brand.reviewer).post(f"{url}/pause/", {"reason": "Crisis"}, format="json").status_code == 403
    missing = api(brand.admin).post(f"{url}/pause/", {}, format="json")
    assert missing.status_code == 400 and missing.json()["error"] == "invalid"

    paused = api(brand.admin).post(
        f"{url}/pause/", {"reason": "Crisis", "resume_at": "2999-01-01T10:00"}, format="json"
    )
    assert paused.status_code == 200, paused.json()
    assert paused.json()["paused"] is True
    assert paused.json()["resume_at"].startswith("2999-01-01T09:00")  # 10:00 in Madrid
    again = api(brand.admin).post(f"{url}/pause/", {"reason": "Again"}, format="json")
    assert again.status_code == 409

    resumed = api(brand.admin).post(f"{url}/resume/", format="json")
    assert resumed.status_code == 200
    assert resumed.json()["paused"] is False and resumed.json()["returned_to_review"] == []


def test_preflight_on_demand_returns_the_report(brand, links):
    post = approved_post(
        brand, body=f"Look: {links.url('/missing')}", when=timezone.now() + timedelta(hours=1)
    )

    response = api(brand.author).post(f"/api/v1/posts/{post.pk}/preflight/")

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False and body["trigger"] == "on_demand"
    assert f"{links.url('/missing')} answered 404 Not Found" in body["summary"]
    assert {check["name"] for check in body["checks"]} == {
        "paused",
        "approval",
        "brand_account",
        "links",
        "style",
        "media",
    }
    assert api(UserFactory()).post(f"/api/v1/posts/{post.pk}/preflight/").status_code == 404
