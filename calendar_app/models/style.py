from django.db import models
from django.utils.translation import gettext_lazy as _


class StyleGuide(models.Model):
    """A workspace's guide. `version` grows on every edit so compiled rules can be cached per version."""

    workspace = models.OneToOneField(
        "calendar_app.Workspace", on_delete=models.CASCADE, related_name="style_guide"
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.workspace} (v{self.version})"


class StyleRule(models.Model):
    class Level(models.TextChoices):
        ERROR = "error", _("Error")
        WARNING = "warning", _("Warning")
        SUGGESTION = "suggestion", _("Suggestion")

    guide = models.ForeignKey(StyleGuide, on_delete=models.CASCADE, related_name="rules")
    key = models.CharField(
        _("identifier"),
        max_length=64,
        blank=True,
        help_text=_("Optional short name used in exported files, e.g. no-shouting."),
    )
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=20)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, default=Level.WARNING)
    message = models.CharField(_("message"), max_length=500)
    networks = models.JSONField(_("networks"), default=list, blank=True)
    params = models.JSONField(_("settings"), default=dict, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["guide", "key"], condition=~models.Q(key=""), name="style_rule_unique_key_per_guide"
            )
        ]

    def __str__(self) -> str:
        return self.key or self.message
