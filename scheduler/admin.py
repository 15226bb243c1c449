from django.contrib import admin

from scheduler.models import Channel, PreflightReport, Publication, PublishAttempt


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["display_name", "workspace", "network", "brand_handle", "is_brand_account", "status"]
    exclude = ["credentials_encrypted"]


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["post", "channel", "status", "scheduled_at", "published_at"]
    list_filter = ["status", "channel__network"]
    readonly_fields = [field.name for field in Publication._meta.fields]


admin.site.register(PublishAttempt)
admin.site.register(PreflightReport)
