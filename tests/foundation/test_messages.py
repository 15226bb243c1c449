import pytest
from django.utils import translation

from calendar_app.models import Notification, Role
from calendar_app.services.messages import message, message_render, plural_message
from calendar_app.services.workflow import post_submit
from tests.factories import WorkspaceFactory, make_post, member


def test_a_stored_message_is_translated_when_read_including_nested_messages():
    stored = message(
        "“%(post)s” will not be published: %(reason)s",
        post="Menú",
        reason=message("No style-guide errors."),
    )
    with translation.override("en"):
        english = message_render(stored)
    with translation.override("es"):
        spanish = message_render(stored)
    assert english == "“Menú” will not be published: No style-guide errors."
    assert spanish != english and "Menú" in spanish
    assert message_render("a plain network answer") == "a plain network answer"


def test_a_plural_sentence_takes_the_form_of_its_count_in_the_readers_language():
    singular = "%(url)s answered %(status)s after %(count)d redirect"
    plural = "%(url)s answered %(status)s after %(count)d redirects"
    stored = [plural_message(singular, plural, count, url="u", status="404 Not Found") for count in (1, 2)]
    with translation.override("en"):
        assert [message_render(item) for item in stored] == [
            "u answered 404 Not Found after 1 redirect",
            "u answered 404 Not Found after 2 redirects",
        ]
    with translation.override("es"):
        assert [message_render(item) for item in stored] == [
            "u respondió 404 Not Found tras 1 redirección",
            "u respondió 404 Not Found tras 2 redirecciones",
        ]


def test_a_list_of_messages_inside_a_sentence_reads_as_one_paragraph():
    stored = message(
        "Passed so far; still to confirm at publishing time: %(what)s",
        what=[message("No style-guide errors."), "a network's own words"],
    )
    with translation.override("en"):
        assert message_render(stored) == (
            "Passed so far; still to confirm at publishing time: No style-guide errors. a network's own words"
        )


@pytest.mark.django_db
def test_a_notification_written_in_english_reads_in_spanish():
    workspace = WorkspaceFactory(language="en")
    author = member(workspace, Role.AUTHOR, username="ana")
    reviewer = member(workspace, Role.REVIEWER, username="rosa")
    with translation.override("en"):
        post_submit(post=make_post(workspace, author, title="Brunch"), user=author)
    notification = Notification.objects.get(user=reviewer)
    assert notification.message == "ana submitted “Brunch” for review."
    with translation.override("es"):
        assert notification.text != notification.message
        assert "ana" in notification.text and "Brunch" in notification.text
