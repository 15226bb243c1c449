from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from calendar_app.models.workspace import Workspace
from calendar_app.services.messages import message_render

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1a73e8."))


class PostStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    PUBLISHING = "publishing", _("Publishing")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    UNCONFIRMED = "unconfirmed", _("Unconfirmed")
    CANCELLED = "cancelled", _("Cancelled")


class Campaign(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(_("name"), max_length=80)
    color = models.CharField(_("colour"), max_length=7, default="#6c757d", validators=[colour_validator])

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="campaign_unique_name")]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("name"), max_length=40)
    color = models.CharField(_("colour"), max_length=7, default="#0d6efd", validators=[colour_validator])

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="tag_unique_name")]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """A planned publication on one or more channels. `status` changes only in `calendar_app.services.workflow`."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(_("internal title"), max_length=200, blank=True)
    body = models.TextField(_("text"), blank=True)
    variants = models.JSONField(_("per-channel text"), default=dict, blank=True)
    channels = models.ManyToManyField(
        "scheduler.Channel", related_name="posts", blank=True, verbose_name=_("channels")
    )
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True, db_index=True)
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
        verbose_name=_("campaign"),
    )
    tags = models.ManyToManyField(Tag, related_name="posts", blank=True, verbose_name=_("tags"))
    links = models.JSONField(_("links found in the text"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PostStatus.choices, default=PostStatus.DRAFT
    )
    status_reason = models.CharField(_("reason for the status"), max_length=500, blank=True)
    # The same reason as a stored message, read in each reader's language (`status_reason_text`); None when
    # only text is known. Set with the reason by the workflow's transitions.
    status_reason_message = models.JSONField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    revision_count = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scheduled_at", "id"]
        indexes = [
            models.Index(fields=["workspace", "scheduled_at"]),
            models.Index(fields=["workspace", "status"]),
        ]

    def __str__(self) -> str:
        return self.title or self.body[:40] or f"#{self.pk}"

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        words = self.body.split()
        return " ".join(words[:8]) + ("…" if len(words) > 8 else "")

    @property
    def status_reason_text(self) -> str:
        return status_reason_text(self.status_reason, self.status_reason_message)

    def text_for(self, channel_id: int) -> str:
        return self.variants.get(str(channel_id)) or self.body


def status_reason_text(reason: str, reason_message) -> str:
    """Also for rows read as values (the calendar's entries)."""
    return message_render(reason_message) if reason_message else reason


def media_path(instance: "PostMedia", filename: str) -> str:
    return f"posts/{instance.post.workspace_id}/{filename}"


class PostMedia(models.Model):
    """An image already validated and stripped of EXIF/GPS data by `calendar_app.services.media`."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="media")
    image = models.ImageField(upload_to=media_path, width_field="width", height_field="height")
    thumbnail = models.ImageField(upload_to=media_path, blank=True)
    alt_text = models.CharField(_("alt text"), max_length=1500)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    mime_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text[:60] or self.image.name


class Revision(models.Model):
    """A snapshot of the content at each save, so reviewers can diff what changed since they last looked."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    variants = models.JSONField(default=dict, blank=True)
    channel_ids = models.JSONField(default=list, blank=True)
    media = models.JSONField(default=list, blank=True)
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["post", "number"]
        constraints = [models.UniqueConstraint(fields=["post", "number"], name="revision_unique_number")]

    def __str__(self) -> str:
        return f"{self.post_id} r{self.number}"


class Approval(models.Model):
    """An approval counts only while the post's content hash equals the one approved."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="approvals")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="approvals")
    content_hash = models.CharField(max_length=64)
    acknowledged_warnings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reviewer", "content_hash"], name="approval_unique_reviewer_hash"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} approved {self.post_id}"


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]
