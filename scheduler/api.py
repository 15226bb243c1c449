"""Channels, crisis pause/resume and on-demand pre-flight over REST: the same services as the pages.
Credentials go in and never come out."""

from datetime import UTC

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from calendar_app.api.post_serializers import ErrorSerializer
from calendar_app.errors import InvalidInputError
from calendar_app.inputs import moment_parse
from calendar_app.models import Role
from calendar_app.selectors.workspaces import workspace_get_for_user
from calendar_app.services.permissions import membership_get, role_require
from calendar_app.services.timezones import local_to_utc
from scheduler import selectors
from scheduler.adapters.webhook import BODY_FORMATS
from scheduler.models import Network
from scheduler.services.channels import channel_connect
from scheduler.services.pause import workspace_pause, workspace_resume
from scheduler.services.preflight import preflight_on_demand

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Invalid input")),
    403: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Your role does not allow it")),
    404: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Not found, or not in your workspaces")),
    409: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Not allowed in the current state")),
}


class ChannelSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    network = serializers.CharField()
    display_name = serializers.CharField()
    brand_handle = serializers.CharField(help_text=gettext_lazy("The account the network answered as"))
    brand_account_id = serializers.SerializerMethodField()
    is_brand_account = serializers.BooleanField()
    brand_confirmed_at = serializers.DateTimeField(allow_null=True)
    status = serializers.CharField()
    status_reason = serializers.CharField()
    settings = serializers.JSONField(source="config")

    def get_brand_account_id(self, channel) -> str:
        """Webhook identities are digests of a secret URL: not useful to show."""
        return "" if channel.network == Network.WEBHOOK else channel.brand_account_id


class ChannelCreateSerializer(serializers.Serializer):
    network = serializers.ChoiceField(choices=Network.choices)
    display_name = serializers.CharField(max_length=120)
    instance_url = serializers.URLField(required=False)
    access_token = serializers.CharField(required=False, write_only=True)
    service_url = serializers.URLField(required=False)
    handle = serializers.CharField(required=False, max_length=253)
    app_password = serializers.CharField(required=False, write_only=True)
    url = serializers.URLField(required=False, write_only=True, max_length=500)
    secret = serializers.CharField(required=False, write_only=True)
    body_format = serializers.ChoiceField(choices=BODY_FORMATS, required=False)
    confirm_brand = serializers.BooleanField(required=False, default=False)


class PauseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    resume_at = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text=gettext_lazy(
            "ISO 8601; without an offset it is a wall-clock time in the workspace's time zone"
        ),
    )


class WorkspaceStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    paused = serializers.BooleanField()
    paused_reason = serializers.CharField()
    paused_at = serializers.DateTimeField(allow_null=True)
    resume_at = serializers.DateTimeField(allow_null=True)
    returned_to_review = serializers.ListField(child=serializers.IntegerField(), required=False)


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    post = serializers.IntegerField(source="post_id")
    publication = serializers.IntegerField(source="publication_id", allow_null=True)
    trigger = serializers.CharField()
    ok = serializers.BooleanField()
    summary = serializers.CharField(source="summary_text")  # in the reader's language
    checks = serializers.JSONField()
    links = serializers.JSONField()
    identity = serializers.JSONField()
    created_at = serializers.DateTimeField()


def _validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ChannelListApi(APIView):
    """Channels of a workspace (any member); connecting one verifies its credentials (admins)."""

    @extend_schema(responses={200: ChannelSerializer(many=True), **ERRORS})
    def get(self, request, workspace_id):
        workspace = workspace_get_for_user(user=request.user, workspace_id=workspace_id)
        membership_get(user=request.user, workspace=workspace)
        return Response(ChannelSerializer(selectors.channel_list(workspace=workspace), many=True).data)

    @extend_schema(request=ChannelCreateSerializer, responses={201: ChannelSerializer, **ERRORS})
    def post(self, request, workspace_id):
        workspace = workspace_get_for_user(user=request.user, workspace_id=workspace_id)
        role_require(user=request.user, workspace=workspace, role=Role.ADMIN)
        data = dict(_validated(ChannelCreateSerializer, request.data))
        network, name, confirm = data.pop("network"), data.pop("display_name"), data.pop("confirm_brand")
        channel = channel_connect(
            workspace=workspace,
            user=request.user,
            network=network,
            display_name=name,
            values=data,
            confirm_brand=confirm,
        )
        return Response(ChannelSerializer(channel).data, status=status.HTTP_201_CREATED)


def _moment(value: str | None, workspace):
    """An aware UTC time; a time without an offset is read in the workspace's zone (DST gaps refused)."""
    if not value:
        return None
    moment = moment_parse(value)
    if moment is None:
        raise InvalidInputError(
            _("Give resume_at as a date and time like 2025-06-01T10:30."), details={"field": "resume_at"}
        )
    if timezone.is_naive(moment):
        return local_to_utc(naive=moment, tz_name=workspace.timezone)
    return moment.astimezone(UTC)


def _state(workspace, returned=None) -> dict:
    data = WorkspaceStateSerializer(workspace).data
    if returned is not None:
        data["returned_to_review"] = [post.pk for post in returned]
    return data


class WorkspacePauseApi(APIView):
    @extend_schema(request=PauseSerializer, responses={200: WorkspaceStateSerializer, **ERRORS})
    def post(self, request, workspace_id):
        workspace = workspace_get_for_user(user=request.user, workspace_id=workspace_id)
        data = _validated(PauseSerializer, request.data)
        resume_at = _moment(data.get("resume_at"), workspace)
        workspace = workspace_pause(
            workspace=workspace, user=request.user, reason=data["reason"], resume_at=resume_at
        )
        return Response(_state(workspace))


class WorkspaceResumeApi(APIView):
    @extend_schema(request=None, responses={200: WorkspaceStateSerializer, **ERRORS})
    def post(self, request, workspace_id):
        workspace = workspace_get_for_user(user=request.user, workspace_id=workspace_id)
        result = workspace_resume(workspace=workspace, user=request.user)
        return Response(_state(result.workspace, result.returned_to_review))


class PostPreflightApi(APIView):
    """Run every pre-flight check now and return the report; nothing is held or published."""

    @extend_schema(request=None, responses={200: ReportSerializer, **ERRORS})
    def post(self, request, pk):
        post = selectors.post_for_user(user=request.user, post_id=pk)
        report = preflight_on_demand(post=post, user=request.user)
        return Response(ReportSerializer(report).data)
