from django.conf import settings
from django.db import models


class Notification(models.Model):
    class Kind(models.TextChoices):
        SUBMITTED = "submitted"
        CHANGES_REQUESTED = "changes_requested"
        APPROVED = "approved"
        PUBLISHED = "published"
        PUBLISH_FAILED = "publish_failed"
        PREFLIGHT_FAILED = "preflight_failed"
        BRAND_MISMATCH = "brand_mismatch"
        PAUSED = "paused"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    workspace = models.ForeignKey("calendar_app.Workspace", on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey("calendar_app.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    message = models.TextField()
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]
