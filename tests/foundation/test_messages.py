import pytest
from django.utils import translation

from calendar_app.models import Notification, Role
from calendar_app.services.messages import message, message_render
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
