"""Revisions on every save, diffs between any two, the reviewer's default diff, and comments."""

import pytest

from calendar_app.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from calendar_app.services import workflow
from calendar_app.services.comments import comment_create, comment_delete, comment_get, comment_update
from calendar_app.services.posts import post_update
from calendar_app.services.revisions import revision_default_pair, revision_diff, revision_pair, text_diff


def test_text_diff_is_word_level_and_lossless():
    parts = text_diff("Hola mundo, hoy abrimos", "Hola gente, hoy abrimos a las 10")
    assert [(p.op, p.text) for p in parts] == [
        ("equal", "Hola "),
        ("delete", "mundo"),
        ("insert", "gente"),
        ("equal", ", hoy abrimos"),
        ("insert", " a las 10"),
    ]
    old = "".join(p.text for p in parts if p.op != "insert")
    new = "".join(p.text for p in parts if p.op != "delete")
    assert (old, new) == ("Hola mundo, hoy abrimos", "Hola gente, hoy abrimos a las 10")


def test_text_diff_keeps_emoji_and_accents_whole():
    parts = text_diff("Café 👩‍👩‍👧", "Cafés 👩‍👩‍👧")
    assert [(p.op, p.text) for p in parts] == [("delete", "Café"), ("insert", "Cafés"), ("equal", " 👩‍👩‍👧")]


@pytest.mark.django_db
def test_every_content_save_makes_a_revision_and_unchanged_saves_do_not(team):
    post = team.post(body="Uno")
    assert list(post.revisions.values_list("number", "body")) == [(1, "Uno")]
    post = post_update(post=post, user=team.author, body="Dos")
    post = post_update(post=post, user=team.author, body="Dos")
    post = post_update(post=post, user=team.reviewer, variants={str(team.bluesky.pk): "Dos en Bluesky"})
    assert list(post.revisions.values_list("number", "body", "author__username")) == [
        (1, "Uno", team.author.username),
        (2, "Dos", team.author.username),
        (3, "Dos", team.reviewer.username),
    ]
    assert post.revision_count == 3
    assert post.revisions.get(number=3).content_hash == post.content_hash


@pytest.mark.django_db
def test_diff_between_any_two_revisions(team):
    post = team.post(body="Abrimos el lunes")
    post = post_update(post=post, user=team.author, body="Abrimos el martes", channels=[team.mastodon])
    post = post_update(post=post, user=team.author, variants={str(team.mastodon.pk): "Solo aquí"})
    old, new = revision_pair(post=post, old_number=3, new_number="1")
    assert (old.number, new.number) == (1, 3)
    diff = revision_diff(post=post, old=old, new=new)
    assert diff.changed
    body = next(t for t in diff.texts if t.label == "Text")
    assert [(p.op, p.text) for p in body.parts if p.op != "equal"] == [
        ("delete", "lunes"),
        ("insert", "martes"),
    ]
    variant = next(t for t in diff.texts if "Brand Mastodon" in t.label)
    assert variant.changed
    assert diff.channels_removed == ["Brand Bluesky"] and diff.channels_added == []
    with pytest.raises(NotFoundError):
        revision_pair(post=post, old_number=1, new_number=99)
    with pytest.raises(NotFoundError):
        revision_pair(post=post, old_number="x", new_number=1)


@pytest.mark.django_db
def test_reviewer_sees_changes_since_what_they_last_reviewed(team):
    post = team.post(body="Versión uno")
    workflow.post_submit(post=post, user=team.author)
    workflow.post_request_changes(post=post, user=team.reviewer, comment="Cambia esto")
    post = post_update(post=post, user=team.author, body="Versión dos")
    post = post_update(post=post, user=team.author, body="Versión tres")
    old, new = revision_default_pair(post=post, user=team.reviewer)
    assert (old.number, new.number) == (1, 3)
    workflow.post_submit(post=post, user=team.author)
    workflow.post_approve(post=post, user=team.reviewer)
    post = post_update(post=post, user=team.author, body="Versión cuatro")
    old, new = revision_default_pair(post=post, user=team.reviewer)
    assert (old.number, new.number) == (3, 4)
    old, new = revision_default_pair(post=post, user=team.reviewer2)
    assert (old.number, new.number) == (3, 4), "someone who never reviewed sees the last change"


@pytest.mark.django_db
def test_comments_are_editable_and_deletable_only_by_their_writer(team):
    post = team.post()
    comment = comment_create(post=post, user=team.reviewer, body="  ¿Y la foto?  ")
    assert comment.body == "¿Y la foto?"
    with pytest.raises(PermissionDeniedError):
        comment_update(comment=comment, user=team.author, body="Otra cosa")
    with pytest.raises(PermissionDeniedError):
        comment_delete(comment=comment, user=team.admin)
    comment = comment_update(comment=comment, user=team.reviewer, body="¿Y la imagen?")
    assert comment.edited_at is not None and comment.body == "¿Y la imagen?"
    with pytest.raises(InvalidInputError):
        comment_update(comment=comment, user=team.reviewer, body="  ")
    comment_delete(comment=comment, user=team.reviewer)
    assert not post.comments.exists()


@pytest.mark.django_db
def test_viewers_cannot_comment_and_outsiders_cannot_see_comments(team, other_team):
    post = team.post()
    with pytest.raises(PermissionDeniedError):
        comment_create(post=post, user=team.viewer, body="Hola")
    comment = comment_create(post=post, user=team.author, body="Nota")
    with pytest.raises(NotFoundError):
        comment_get(post=post, user=other_team.admin, comment_id=comment.pk)
    with pytest.raises(NotFoundError):
        comment_create(post=post, user=other_team.admin, body="Intruso")
