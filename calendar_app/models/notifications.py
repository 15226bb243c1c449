from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        PUBLISH_FAILED = "publish_failed", _("Publishing failed")
        PREFLIGHT_FAILED = "preflight_failed", _("Held by pre-flight")
        BRAND_MISMATCH = "brand_mismatch", _("Brand account mismatch")
        PAUSED = "paused", _("Publishing paused")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    workspace = models.ForeignKey("calendar_app.Workspace", on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(
        "calendar_app.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    message = models.TextField()
    content = models.JSONField(default=dict, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message[:80]

    @property
    def text(self) -> str:
        """In the reader's language when it was stored as a message; `message` is its text when written."""
        from calendar_app.services.messages import message_render

        return message_render(self.content) if self.content else self.message
