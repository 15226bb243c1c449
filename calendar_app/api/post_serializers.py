"""Serializers of the posts API. They check shapes and types only; every rule is in the services."""

from datetime import UTC, datetime

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from calendar_app.inputs import MAX_ID, MAX_YEAR, MIN_YEAR
from calendar_app.models import AuditEntry, Post
from calendar_app.services.timezones import utc_to_local

MAX_TEXT = 20_000


def IdField(**kwargs):  # noqa: N802 - reads like the other field classes
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


@extend_schema_field(OpenApiTypes.DATETIME)
class MomentField(serializers.Field):
    """An ISO 8601 date and time. With an offset it is an instant; without one it is a wall-clock time in
    the workspace's time zone, checked against DST changes by the time-zone service."""

    default_error_messages = {
        "invalid": _("Use an ISO 8601 date and time, like 2025-06-01T10:30 or 2025-06-01T08:30Z.")
    }

    def to_internal_value(self, data) -> datetime:
        if not isinstance(data, str) or len(data) > 40:
            self.fail("invalid")
        try:
            moment = parse_datetime(data.strip())
        except ValueError:
            moment = None
        if moment is None or not MIN_YEAR <= moment.year <= MAX_YEAR:
            self.fail("invalid")
        if moment.tzinfo is not None:
            try:
                moment.astimezone(UTC)
            except OverflowError:
                self.fail("invalid")
        return moment

    def to_representation(self, value):
        return value.isoformat() if value else None


class PostWriteSerializer(serializers.Serializer):
    workspace = IdField(required=False)
    title = serializers.CharField(max_length=200, allow_blank=True, required=False, trim_whitespace=False)
    body = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=False, trim_whitespace=False)
    variants = serializers.DictField(
        child=serializers.CharField(max_length=MAX_TEXT, allow_blank=True, trim_whitespace=False),
        required=False,
    )
    channels = serializers.ListField(child=IdField(), max_length=50, required=False)
    scheduled_at = MomentField(required=False, allow_null=True)
    campaign = IdField(required=False, allow_null=True)
    tags = serializers.ListField(child=IdField(), max_length=50, required=False)
    expected_hash = serializers.CharField(max_length=64, required=False, allow_blank=True)


class ChannelRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    network = serializers.CharField()
    display_name = serializers.CharField()


class LabelSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    color = serializers.CharField()


class MediaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    alt_text = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    mime_type = serializers.CharField()
    size_bytes = serializers.IntegerField()
    sha256 = serializers.CharField()

    def _absolute(self, field) -> str:
        request = self.context.get("request")
        if not field:
            return ""
        return request.build_absolute_uri(field.url) if request else field.url

    def get_url(self, media) -> str:
        return self._absolute(media.image)

    def get_thumbnail_url(self, media) -> str:
        return self._absolute(media.thumbnail)


class ApprovalSerializer(serializers.Serializer):
    reviewer = serializers.CharField(source="reviewer.get_username")
    created_at = serializers.DateTimeField()


class PostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    workspace = serializers.IntegerField(source="workspace_id")
    author = serializers.CharField(source="author.get_username")
    title = serializers.CharField()
    body = serializers.CharField()
    variants = serializers.DictField(child=serializers.CharField())
    channels = ChannelRefSerializer(many=True, source="channels.all")
    scheduled_at = serializers.DateTimeField(allow_null=True)
    scheduled_at_local = serializers.SerializerMethodField()
    timezone = serializers.CharField(source="workspace.timezone")
    campaign = LabelSerializer(allow_null=True)
    tags = LabelSerializer(many=True, source="tags.all")
    links = serializers.ListField(child=serializers.CharField())
    media = MediaSerializer(many=True, source="media.all")
    status = serializers.CharField()
    status_reason = serializers.CharField(source="status_reason_text")  # in the reader's language
    content_hash = serializers.CharField()
    revision_count = serializers.IntegerField()
    approvals = serializers.SerializerMethodField()
    approvals_required = serializers.IntegerField(source="workspace.approvals_required")
    submitted_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_scheduled_at_local(self, post: Post) -> str | None:
        if post.scheduled_at is None:
            return None
        return utc_to_local(moment=post.scheduled_at, tz_name=post.workspace.timezone).isoformat()

    def get_approvals(self, post: Post) -> list[dict]:
        from calendar_app.services.workflow import current_approvals

        return ApprovalSerializer(current_approvals(post), many=True).data


class CommentInputSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")


class ApproveInputSerializer(CommentInputSerializer):
    expected_hash = serializers.CharField(max_length=64, allow_blank=True, required=False, default="")
    acknowledge_warnings = serializers.BooleanField(required=False, default=False)


class RescheduleInputSerializer(serializers.Serializer):
    scheduled_at = MomentField()


class MediaInputSerializer(serializers.Serializer):
    image = serializers.FileField()
    alt_text = serializers.CharField(max_length=1500, allow_blank=True, required=False, default="")


class PreflightRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ok = serializers.BooleanField()
    summary = serializers.CharField(source="summary_text")
    created_at = serializers.DateTimeField()


class AuditEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField(source="created_at")
    actor = serializers.SerializerMethodField()
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    comment = serializers.CharField()
    details = serializers.DictField()
    preflight_report = PreflightRefSerializer(allow_null=True)

    def get_actor(self, entry: AuditEntry) -> str | None:
        return entry.actor.get_username() if entry.actor else None


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField()
    message = serializers.CharField()
    details = serializers.DictField()
