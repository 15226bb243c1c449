"""The admin edits reference data; post status changes go through the workflow service, so it is read-only here."""

from django.contrib import admin

from calendar_app.models import AuditEntry, Campaign, Membership, Post, StyleGuide, StyleRule, Tag, Workspace


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone", "language", "approvals_required", "paused"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["paused", "paused_reason", "paused_at", "paused_by", "resume_at"]
    inlines = [MembershipInline]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["__str__", "workspace", "author", "status", "scheduled_at"]
    list_filter = ["workspace", "status"]
    readonly_fields = ["status", "status_reason", "content_hash", "revision_count", "submitted_at"]
    search_fields = ["title", "body"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "workspace", "post", "actor", "action", "from_status", "to_status"]
    list_filter = ["workspace", "action"]

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(Campaign)
admin.site.register(Tag)
admin.site.register(StyleGuide)
admin.site.register(StyleRule)
