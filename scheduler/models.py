from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from calendar_app.services.messages import message_render


class Network(models.TextChoices):
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    WEBHOOK = "webhook", _("Webhook")


class Channel(models.Model):
    """One account on one network, owned by a workspace. Credentials are stored encrypted
    (`scheduler.services.credentials`) and are never shown back."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        NEEDS_ATTENTION = "needs_attention", _("Needs attention")
        DISABLED = "disabled", _("Disabled")

    workspace = models.ForeignKey("calendar_app.Workspace", on_delete=models.CASCADE, related_name="channels")
    network = models.CharField(_("network"), max_length=20, choices=Network.choices)
    display_name = models.CharField(_("display name"), max_length=120)
    config = models.JSONField(_("settings"), default=dict, blank=True)
    credentials_encrypted = models.TextField(blank=True)
    brand_account_id = models.CharField(_("registered account id"), max_length=255, blank=True)
    brand_handle = models.CharField(_("registered handle"), max_length=255, blank=True)
    is_brand_account = models.BooleanField(_("brand's official account"), default=False)
    brand_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    brand_confirmed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField(_("status reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["network", "display_name"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_network_display()})"


class Publication(models.Model):
    """One post on one channel. Claimed by a compare-and-set on `status`, so it can never go out twice.

    A failed publication stays as history; retrying the post creates a new one (with a new idempotency key),
    so "active" means neither cancelled nor failed."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHING = "publishing", _("Publishing")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")
        UNCONFIRMED = "unconfirmed", _("Unconfirmed")
        HELD = "held", _("Held by pre-flight")
        CANCELLED = "cancelled", _("Cancelled")

    post = models.ForeignKey("calendar_app.Post", on_delete=models.CASCADE, related_name="publications")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="publications")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    scheduled_at = models.DateTimeField(db_index=True)
    content_hash = models.CharField(max_length=64)
    idempotency_key = models.CharField(max_length=64, unique=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    preflight_queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=200, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    # A claiming worker died (not the network going silent) and the publication has not settled since: an
    # attempt may have reached the network unrecorded, so it is sent again under the same idempotency key
    # and a post the network already had counts from when it was created (`PublishResult.public_since`).
    worker_lost = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    remote_id = models.CharField(max_length=255, blank=True)
    remote_url = models.URLField(max_length=500, blank=True)
    failure_reason = models.TextField(blank=True)
    # The same reason as a stored message, read in each reader's language; None when only text is known
    # (a network's answer). Whoever writes `failure_reason` writes this too.
    failure_message = models.JSONField(null=True, blank=True)
    attempt_count = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scheduled_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "channel"],
                condition=~models.Q(status__in=["cancelled", "failed"]),
                name="publication_one_active_per_post_channel",
            )
        ]
        indexes = [
            models.Index(fields=["status", "scheduled_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.post} → {self.channel} ({self.status})"

    @property
    def failure_text(self) -> str:
        """The reason in the reader's language where it was stored as a message."""
        return message_render(self.failure_message) if self.failure_message else self.failure_reason


class PublishAttempt(models.Model):
    """One try at publishing (or at settling an unknown outcome), with every call it made to the network."""

    class Outcome(models.TextChoices):
        PUBLISHED = "published", _("Published")
        RETRY = "retry", _("Will retry")
        FAILED = "failed", _("Failed")
        UNCONFIRMED = "unconfirmed", _("Unconfirmed")
        HELD = "held", _("Held by pre-flight")
        NOT_FOUND = "not_found", _("Not found on the network")
        READ_FAILED = "read_failed", _("Could not read the account back")

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    summary = models.TextField(blank=True)
    worker = models.CharField(max_length=200, blank=True)
    calls = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.publication_id} {self.outcome} at {self.started_at:%Y-%m-%d %H:%M:%S}"


class PreflightReport(models.Model):
    """What pre-flight asked and was answered: each link, the identity, each check's verdict."""

    class Trigger(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CLAIM = "claim", _("At publishing time")
        ON_DEMAND = "on_demand", _("On demand")

    post = models.ForeignKey("calendar_app.Post", on_delete=models.CASCADE, related_name="preflight_reports")
    publication = models.ForeignKey(
        Publication, null=True, blank=True, on_delete=models.SET_NULL, related_name="preflight_reports"
    )
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    content_hash = models.CharField(max_length=64, blank=True)
    ok = models.BooleanField(default=False)
    summary = models.TextField(blank=True)
    summary_message = models.JSONField(null=True, blank=True)  # `summary` as a stored message
    checks = models.JSONField(default=list)
    links = models.JSONField(default=list)
    identity = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} pre-flight of {self.post_id}: {'ok' if self.ok else 'failed'}"

    @property
    def summary_text(self) -> str:
        """The summary in the reader's language (reports stored before there were messages: as written)."""
        return message_render(self.summary_message) if self.summary_message else self.summary
