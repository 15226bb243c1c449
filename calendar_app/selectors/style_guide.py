"""Reads of a workspace's style guide, always scoped to the workspace in the URL."""

from django.db.models import QuerySet

from calendar_app.errors import NotFoundError
from calendar_app.models import StyleRule, Workspace


def style_rules_for_workspace(*, workspace: Workspace) -> QuerySet[StyleRule]:
    return StyleRule.objects.filter(guide__workspace=workspace).order_by("position", "id")


def style_rule_get(*, workspace: Workspace, rule_id) -> StyleRule:
    """A rule of another workspace is "not found", like any object outside the user's workspaces."""
    try:
        return StyleRule.objects.select_related("guide__workspace").get(
            pk=rule_id, guide__workspace=workspace
        )
    except (StyleRule.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFoundError() from exc
