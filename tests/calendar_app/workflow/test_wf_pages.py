"""The editor and its live lint endpoint through Django's test client (the browser test drives the same
page in Chromium)."""

import json
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from calendar_app.models import Post, PostStatus
from calendar_app.services.posts import post_update
from tests.calendar_app.workflow.wf_support import (
    bring_to,
    browser,
    editor_data,
    image_bytes,
    messages_of,
    style_rule,
)

S = PostStatus


@pytest.mark.django_db
def test_new_post_page_prefills_the_time_from_the_calendar(team):
    response = browser(team.author).get(f"/w/{team.workspace.slug}/posts/new/?at=2031-06-01T18:30")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="scheduled_at" value="2031-06-01T18:30"' in html
    assert f'data-network="mastodon" data-channel="{team.mastodon.pk}"' in html
    assert "Europe/Madrid" in html
    assert f'data-lint-url="/w/{team.workspace.slug}/posts/lint-preview/"' in html


@pytest.mark.django_db
def test_new_post_page_ignores_a_bad_or_impossible_at(team):
    client = browser(team.author)
    assert client.get(f"/w/{team.workspace.slug}/posts/new/?at=banana").status_code == 200
    gap = client.get(f"/w/{team.workspace.slug}/posts/new/?at=2031-03-30T02:30")
    assert gap.status_code == 200
    assert any("does not exist" in m for m in messages_of(gap))


@pytest.mark.django_db
def test_save_draft_creates_the_post_in_the_workspace_timezone(team):
    response = browser(team.author).post(
        f"/w/{team.workspace.slug}/posts/new/",
        editor_data(team, **{f"variant_{team.bluesky.pk}": "Corto", "new_tags": "verano, Ofertas"}),
    )
    post = Post.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/w/{team.workspace.slug}/posts/{post.pk}/"
    )
    assert post.status == S.DRAFT and post.author == team.author
    assert post.scheduled_at.isoformat() == "2031-05-04T07:15:00+00:00", "09:15 in Madrid (CEST) is 07:15 UTC"
    assert post.variants == {str(team.bluesky.pk): "Corto"}
    assert sorted(t.name for t in post.tags.all()) == ["Ofertas", "verano"]
    assert post.links == ["https://example.org"]


@pytest.mark.django_db
def test_submit_button_saves_and_submits(team):
    client = browser(team.author)
    response = client.post(
        f"/w/{team.workspace.slug}/posts/new/", editor_data(team, action="submit"), follow=True
    )
    post = Post.objects.get()
    assert post.status == S.IN_REVIEW
    assert "Submitted for review." in messages_of(response)


@pytest.mark.django_db
def test_submit_refused_by_the_style_guide_keeps_the_draft_and_says_why(team):
    style_rule(team.workspace, kind="existence", level="error", message="Nada es gratis.", words=["gratis"])
    client = browser(team.author)
    response = client.post(
        f"/w/{team.workspace.slug}/posts/new/",
        editor_data(team, body="Todo gratis", action="submit"),
        follow=True,
    )
    post = Post.objects.get()
    assert post.status == S.DRAFT
    assert response.request["PATH_INFO"] == f"/w/{team.workspace.slug}/posts/{post.pk}/edit/"
    assert any("Nada es gratis." in m for m in messages_of(response))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("2031-03-30T02:30", "does not exist"),
        ("2031-10-26T02:30", "happens twice"),
        ("30/03/2031", "Enter a date"),
    ],
)
def test_editor_rejects_dst_gaps_overlaps_and_garbage_with_a_clear_message(team, typed, words):
    response = browser(team.author).post(
        f"/w/{team.workspace.slug}/posts/new/", editor_data(team, scheduled_at=typed)
    )
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not Post.objects.exists()


@pytest.mark.django_db
def test_editor_uploads_an_image_with_alt_text_and_refuses_one_without(team, media_root):
    client = browser(team.author)
    url = f"/w/{team.workspace.slug}/posts/new/"
    photo = SimpleUploadedFile("p.jpg", image_bytes(size=(800, 600)), content_type="image/jpeg")
    missing_alt = client.post(url, {**editor_data(team), "image": photo})
    assert missing_alt.status_code == 400 and "alt text" in missing_alt.content.decode()
    not_image = SimpleUploadedFile("p.jpg", b"hello", content_type="image/jpeg")
    refused = client.post(url, {**editor_data(team), "image": not_image, "image_alt_text": "Foto"})
    assert refused.status_code == 400 and "not an image" in refused.content.decode()
    photo = SimpleUploadedFile("p.jpg", image_bytes(size=(800, 600)), content_type="image/jpeg")
    client.post(url, {**editor_data(team), "image": photo, "image_alt_text": "Nuestra tienda por fuera"})
    media = Post.objects.get().media.get()
    assert media.alt_text == "Nuestra tienda por fuera" and (media.width, media.height) == (800, 600)
    assert media.thumbnail.name.endswith("-thumb.jpg")


@pytest.mark.django_db
def test_edit_shows_current_values_and_refuses_a_stale_save(team):
    post = bring_to(team, "draft", when=datetime(2031, 7, 1, 8, 0, tzinfo=timezone.get_fixed_timezone(0)))
    client = browser(team.author)
    page = client.get(f"/w/{team.workspace.slug}/posts/{post.pk}/edit/")
    html = page.content.decode()
    assert 'value="2031-07-01T10:00"' in html, "08:00 UTC is 10:00 in Madrid in summer"
    assert f'value="{post.content_hash}"' in html
    post_update(post=post, user=team.reviewer, body="Cambiado por otra persona")
    stale = client.post(
        f"/w/{team.workspace.slug}/posts/{post.pk}/edit/",
        editor_data(team, body="Mi versión", expected_hash=post.content_hash),
        follow=True,
    )
    assert any("Someone else changed this post" in m for m in messages_of(stale))
    post.refresh_from_db()
    assert post.body == "Cambiado por otra persona"


@pytest.mark.django_db
def test_lint_preview_returns_findings_with_utf16_spans_fixes_and_network_lengths(team):
    style_rule(
        team.workspace,
        kind="substitution",
        level="suggestion",
        message="Di correo.",
        replace={"email": "correo"},
    )
    text = "👋 Escríbenos un email: https://example.org/" + "a" * 300
    response = browser(team.author).post(
        f"/w/{team.workspace.slug}/posts/lint-preview/",
        json.dumps(
            {
                "items": [
                    {"key": "m", "text": text, "network": "mastodon"},
                    {"key": "b", "text": text, "network": "bluesky"},
                ]
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 200
    items = response.json()["items"]
    finding = items["m"]["findings"][0]
    assert (finding["start"], finding["end"]) == (16, 21)
    assert (finding["start16"], finding["end16"]) == (17, 22), "👋 is two UTF-16 units"
    assert text.encode("utf-16-le")[34:44].decode("utf-16-le") == "email"
    assert finding["fix"] == "correo"
    assert items["m"]["length"] == 23 + 23 and items["m"]["limit"] == 500
    assert items["b"]["length"] == len(text) and items["b"]["limit"] == 300
    assert items["m"]["overflow_start16"] is None
    assert items["b"]["overflow_start16"] == 301, "the 301st grapheme starts after 👋's two UTF-16 units"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        '{"items": "x"}',
        '{"items": [{"text": 5}]}',
        '{"items": [{"text": "a", "network": "myspace"}]}',
    ],
)
def test_lint_preview_refuses_garbage_with_json(team, body):
    response = browser(team.author).post(
        f"/w/{team.workspace.slug}/posts/lint-preview/", body, content_type="application/json"
    )
    assert response.status_code == 400 and set(response.json()) == {"error", "message", "details"}


@pytest.mark.django_db
def test_lint_preview_is_for_writers(team):
    response = browser(team.viewer).post(
        f"/w/{team.workspace.slug}/posts/lint-preview/", "{}", content_type="application/json"
    )
    assert response.status_code == 403
    assert browser(team.author).get(f"/w/{team.workspace.slug}/posts/lint-preview/").status_code == 405
