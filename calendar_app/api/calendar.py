"""GET /api/v1/calendar/?workspace=&start=&end= — the calendar entries of a range, as the calendar page
shows them (same selector), with times in UTC and in the workspace's (or a requested) time zone."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from calendar_app.errors import InvalidInputError
from calendar_app.inputs import id_parse, moment_parse
from calendar_app.models import PostStatus
from calendar_app.selectors.calendar import CalendarFilters, calendar_entries, calendar_options
from calendar_app.selectors.workspaces import workspace_get_for_user

MAX_RANGE = timedelta(days=100)


class CalendarChannelSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    network = serializers.CharField()
    name = serializers.CharField(source="display_name")


class CalendarEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    status_reason = serializers.CharField()
    scheduled_at = serializers.DateTimeField()
    local_time = serializers.SerializerMethodField(help_text="ISO 8601 with the offset of the requested zone")
    author = serializers.IntegerField(source="author_id")
    campaign = serializers.IntegerField(source="campaign_id", allow_null=True)
    channels = CalendarChannelSerializer(many=True)
    tags = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    live_url = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_local_time(self, entry) -> str:
        return entry.local_at.isoformat()

    def get_tags(self, entry) -> list[str]:
        return [tag.name for tag in entry.tags]

    def get_thumbnail_url(self, entry) -> str:
        return self.context["request"].build_absolute_uri(entry.thumbnail_url) if entry.thumbnail_url else ""

    def get_url(self, entry) -> str:
        path = reverse(
            "calendar_app:post-detail", kwargs={"slug": self.context["workspace"].slug, "pk": entry.id}
        )
        return self.context["request"].build_absolute_uri(path)


class CalendarResponseSerializer(serializers.Serializer):
    workspace = serializers.IntegerField()
    timezone = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    count = serializers.IntegerField()
    entries = CalendarEntrySerializer(many=True)


def _moment(value: str | None, *, name: str, tz_name: str) -> datetime:
    """ISO 8601 date or date-time; one without an offset is read in the workspace's time zone."""
    parsed = moment_parse(value)
    if parsed is None:
        raise InvalidInputError(
            _("Give %(name)s as an ISO 8601 date or date-time.") % {"name": name}, details={"field": name}
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(tz_name))
    return parsed


class CalendarApi(APIView):
    """Calendar entries of a workspace between `start` (included) and `end` (excluded); at most 100 days."""

    @extend_schema(
        parameters=[
            OpenApiParameter("workspace", OpenApiTypes.INT, required=True),
            OpenApiParameter("start", OpenApiTypes.DATETIME, required=True),
            OpenApiParameter("end", OpenApiTypes.DATETIME, required=True),
            OpenApiParameter(
                "tz", OpenApiTypes.STR, description="Time zone of local_time; default the workspace's"
            ),
            OpenApiParameter("status", OpenApiTypes.STR, many=True, enum=PostStatus.values),
            OpenApiParameter("channel", OpenApiTypes.INT, many=True),
        ],
        responses=CalendarResponseSerializer,
    )
    def get(self, request):
        params = request.query_params
        if not params.get("workspace"):
            raise InvalidInputError(
                _("Say which workspace: ?workspace=<id>."), details={"field": "workspace"}
            )
        workspace = workspace_get_for_user(user=request.user, workspace_id=params.get("workspace"))
        tz_name = params.get("tz") or workspace.timezone
        try:
            ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidInputError(
                _("Unknown time zone: %(zone)s") % {"zone": tz_name}, details={"field": "tz"}
            ) from exc
        start = _moment(params.get("start"), name="start", tz_name=workspace.timezone)
        end = _moment(params.get("end"), name="end", tz_name=workspace.timezone)
        if end <= start or end - start > MAX_RANGE:
            raise InvalidInputError(
                _("end must come after start, at most 100 days later."), details={"field": "end"}
            )
        statuses = params.getlist("status")
        if set(statuses) - set(PostStatus.values):
            raise InvalidInputError(_("Unknown status."), details={"field": "status"})
        channel_ids = tuple(id_parse(value) for value in params.getlist("channel"))
        if None in channel_ids:
            raise InvalidInputError(_("channel must be a number."), details={"field": "channel"})
        options = calendar_options(workspace=workspace, user=request.user)
        entries = calendar_entries(
            workspace=workspace,
            user=request.user,
            start=start,
            end=end,
            tz_name=tz_name,
            filters=CalendarFilters(channel_ids=channel_ids, statuses=tuple(statuses)),
            role=options.role,
            channels=options.channels,
            tags=options.tags,
        )
        payload = {
            "workspace": workspace.pk,
            "timezone": tz_name,
            "start": start,
            "end": end,
            "count": len(entries),
            "entries": entries,
        }
        context = {"request": request, "workspace": workspace}
        return Response(CalendarResponseSerializer(payload, context=context).data)
