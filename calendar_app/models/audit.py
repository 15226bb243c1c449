from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """Who did what, when, from which state to which, with the comment and the pre-flight report behind it."""

    workspace = models.ForeignKey(
        "calendar_app.Workspace", on_delete=models.CASCADE, related_name="audit_entries"
    )
    post = models.ForeignKey(
        "calendar_app.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="audit"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    comment = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    preflight_report = models.ForeignKey(
        "scheduler.PreflightReport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status or '-'} -> {self.to_status or '-'}"
