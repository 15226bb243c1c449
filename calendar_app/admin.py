"""The admin edits reference data; post status changes go through the workflow service, so it is read-only
here. Style rules are not here: the style-guide page edits them through a service that validates each rule and
bumps the guide version (an unvalidated rule would only fail later, at lint time)."""

from django.contrib import admin

from calendar_app.models import AuditEntry, Campaign, Membership, Post, Tag, Workspace
from calendar_app.services.style_guide import style_guide_ensure


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone", "language", "approvals_required", "paused"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["paused", "paused_reason", "paused_at", "paused_by", "resume_at"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            style_guide_ensure(workspace=obj)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["__str__", "workspace", "author", "status", "scheduled_at"]
    list_filter = ["workspace", "status"]
    readonly_fields = [
        "status",
        "status_reason",
        "status_reason_message",
        "content_hash",
        "revision_count",
        "submitted_at",
    ]
    search_fields = ["title", "body"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "workspace", "post", "actor", "action", "from_status", "to_status"]
    list_filter = ["workspace", "action"]

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(Campaign)
admin.site.register(Tag)
