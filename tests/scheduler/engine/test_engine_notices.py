"""What the workers tell people (published, failed, channel needs attention, paused, resumed) is stored as a
message: the e-mail goes out in the workspace's language although the worker runs in English, and the bell
reads in each reader's language."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from calendar_app.models import Notification
from scheduler.models import Publication
from scheduler.services import bursts
from scheduler.services.engine_settings import engine_setting
from scheduler.services.pause import workspace_pause, workspaces_auto_resume
from scheduler.services.publishing import publication_claim, publication_publish
from scheduler.services.reconcile import publications_recover_stuck
from tests.scheduler.engine.conftest import approved_post, due_posts, make_brand

pytestmark = pytest.mark.django_db


@pytest.fixture
def spanish_team(brand):
    brand.workspace.language = "es"
    brand.workspace.save(update_fields=["language"])
    for user, address in ((brand.author, "alba@example.org"), (brand.admin, "ines@example.org")):
        user.email = address
        user.save(update_fields=["email"])
    return brand


def publish_due(brand, django_capture_on_commit_callbacks) -> tuple:
    post = approved_post(brand, when=timezone.now() - timedelta(seconds=1))
    publication = Publication.objects.get(post=post)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = publication_publish(
            publication_id=publication.pk, content_hash=publication.content_hash, worker="celery@test"
        )
    return post, outcome


def in_english(notification: Notification) -> str:
    with translation.override("en"):
        return notification.text


def in_spanish(notification: Notification) -> str:
    with translation.override("es"):
        return notification.text


def test_a_spanish_team_is_told_in_spanish_that_a_post_went_out(
    spanish_team, mastodon, django_capture_on_commit_callbacks
):
    post, outcome = publish_due(spanish_team, django_capture_on_commit_callbacks)

    assert outcome == "published"
    channel = spanish_team.channel.display_name
    [email] = mail.outbox
    assert email.to == ["alba@example.org"]
    assert email.body == f"«{post.display_title}» se ha publicado en {channel}."
    told = Notification.objects.get(post=post, kind="published")
    assert in_english(told) == f"“{post.display_title}” was published on {channel}."
    assert in_spanish(told) == email.body


def test_a_spanish_team_is_told_in_spanish_that_a_post_failed_and_the_channel_needs_attention(
    spanish_team, mastodon, django_capture_on_commit_callbacks
):
    mastodon.fail_next("POST", "/api/v1/statuses", 401, body={"error": "The access token was revoked"})

    post, outcome = publish_due(spanish_team, django_capture_on_commit_callbacks)

    assert outcome == "failed"
    bodies = [email.body for email in mail.outbox]
    failed = Notification.objects.get(post=post, kind="publish_failed", user=spanish_team.author)
    flagged = Notification.objects.get(post=None, kind="publish_failed", user=spanish_team.admin)
    assert in_spanish(failed).startswith(f"«{post.display_title}» no se ha publicado: ")
    assert in_english(failed).startswith(f"“{post.display_title}” was not published: ")
    # The reason is written in the workspace's language too; only the network's own words stay as they came.
    reason = "Mastodon no aceptó el token de acceso (401 Unauthorized): The access token was revoked"
    assert reason in in_spanish(failed) and reason in in_english(failed)
    assert Publication.objects.get(post=post).failure_reason.startswith(reason)
    channel = spanish_team.channel.display_name
    assert in_spanish(flagged).startswith(f"El canal «{channel}» requiere atención: ")
    assert in_english(flagged).startswith(f"Channel “{channel}” needs attention: ")
    assert sorted(bodies) == sorted([in_spanish(flagged), in_spanish(failed)])


def test_a_burst_writes_its_failure_reasons_in_each_workspaces_language(spanish_team, mastodon):
    """The sending threads are not the thread that set the language: each send is made in its workspace's."""
    posts, due = due_posts(spanish_team, 2, body="Publicación {n}.")
    mastodon.fail_next("POST", "/api/v1/statuses", 422, body={"error": "Validation failed: Text is too long"})

    counts = bursts.publications_publish_burst(
        items=list(Publication.objects.filter(post__in=posts).values_list("pk", "content_hash")),
        due=due,
        worker="celery@burst",
    )

    assert counts == {"published": 1, "failed": 1}
    failed = Publication.objects.get(post__in=posts, status="failed")
    assert failed.failure_reason.startswith(
        "Mastodon rechazó la publicación (422 Unprocessable Entity): Validation failed: Text is too long"
    )


def test_a_dead_workers_burst_is_recovered_in_each_workspaces_language(spanish_team, mastodon):
    """One claim (a burst) may hold posts of several workspaces: each recovered publication's reason is in
    its own workspace's language, and so is the reason of one out of attempts."""
    english = make_brand(mastodon, channel_name="Other · Mastodon")
    due = timezone.now() - timedelta(seconds=1)
    posts = [approved_post(spanish_team, when=due), approved_post(english, when=due)]
    posts.append(approved_post(spanish_team, body="Sin más intentos.", when=due))
    publications = list(Publication.objects.filter(post__in=posts).order_by("post_id"))
    for publication in publications:  # claimed by one worker, in one burst, a minute ago; no lease renews it
        publication_claim(publication_id=publication.pk, content_hash=publication.content_hash, worker="w1")
    Publication.objects.filter(pk__in=[p.pk for p in publications]).update(
        claim_token="one-burst", claimed_at=timezone.now() - timedelta(minutes=1), attempt_count=1
    )
    Publication.objects.filter(pk=publications[2].pk).update(
        attempt_count=engine_setting("PAUTA_PUBLISH_MAX_ATTEMPTS")
    )

    assert publications_recover_stuck() == 3

    spanish_again, english_again, spent = (Publication.objects.get(pk=p.pk) for p in publications)
    assert spanish_again.failure_reason == "El worker w1 se detuvo mientras publicaba; se vuelve a enviar."
    assert english_again.failure_reason == "The worker w1 stopped while publishing; sending it again."
    assert spent.status == "failed"
    assert spent.failure_reason == "No publicada: los workers se detenían una y otra vez al enviarla."


def test_pause_and_scheduled_resume_read_in_each_readers_language(
    spanish_team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workspace_pause(
            workspace=spanish_team.workspace,
            user=spanish_team.admin,
            reason="Retirada del producto",
            resume_at=timezone.now() + timedelta(minutes=1),
        )
        assert workspaces_auto_resume(now=timezone.now() + timedelta(minutes=2)) == 1

    paused, resumed = Notification.objects.filter(user=spanish_team.author, kind="paused").order_by("pk")
    name = spanish_team.workspace.name
    assert in_spanish(paused).startswith(
        f"{spanish_team.admin} ha pausado las publicaciones en {name}: Retirada del producto "
        "Se reanudarán automáticamente el "
    )
    assert in_english(paused).startswith(
        f"{spanish_team.admin} paused publishing in {name}: Retirada del producto It resumes automatically at "
    )
    assert in_spanish(resumed) == f"La reanudación programada ha reanudado las publicaciones en {name}."
    assert in_english(resumed) == f"The scheduled resume resumed publishing in {name}."
    assert [email.body for email in mail.outbox] == [in_spanish(paused), in_spanish(resumed)]
