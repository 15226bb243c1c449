"""factory_boy factories shared by the whole suite. Posts are built through the real services where the
workflow matters (`make_post`), so tests exercise the same code paths as the UI and the API."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from calendar_app.models import Membership, Post, Role, Workspace
from calendar_app.services.posts import post_create
from scheduler.models import Channel, Network, PreflightReport, Publication
from scheduler.services.preflight.run import preflight_hold


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    password = factory.django.Password("pw-Secret-123")


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")
    timezone = "Europe/Madrid"
    language = "es"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    workspace = factory.SubFactory(WorkspaceFactory)
    role = Role.AUTHOR


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel

    workspace = factory.SubFactory(WorkspaceFactory)
    network = Network.MASTODON
    display_name = factory.Sequence(lambda n: f"Channel {n}")
    config = factory.LazyFunction(lambda: {"instance_url": "http://127.0.0.1:9"})
    brand_account_id = "1"
    brand_handle = "brand"
    is_brand_account = True


def member(workspace: Workspace, role: str = Role.AUTHOR, username: str | None = None):
    """A user with `role` in `workspace`."""
    user = UserFactory(username=username) if username else UserFactory()
    MembershipFactory(user=user, workspace=workspace, role=role)
    return user


def make_post(workspace: Workspace, author, *, body: str = "Hola, mundo", channels=None, when=None, **extra):
    channels = channels if channels is not None else [ChannelFactory(workspace=workspace)]
    when = when or timezone.now() + timedelta(days=2)
    return post_create(
        workspace=workspace, user=author, body=body, channels=channels, scheduled_at=when, **extra
    )


def held_after_its_time(post, *, summary: str, minutes_ago: int):
    """An approved post held by the real pre-flight service (a failed report), then left while its time
    passes: its time is moved back in bulk, as the clock would move past it, and so are its report (to ten
    minutes before it, when the scheduled pre-flight would have run) and its publications' creation (to
    before the report, which then counts for them, as it would have)."""
    report = PreflightReport.objects.create(
        post=post, trigger="scheduled", ok=False, content_hash=post.content_hash, summary=summary
    )
    assert preflight_hold(post_id=post.pk, report=report)
    past = timezone.now() - timedelta(minutes=minutes_ago)
    Post.objects.filter(pk=post.pk).update(scheduled_at=past)
    Publication.objects.filter(post=post).update(scheduled_at=past, created_at=past - timedelta(minutes=30))
    PreflightReport.objects.filter(pk=report.pk).update(created_at=past - timedelta(minutes=10))
    post.refresh_from_db()
    return post
