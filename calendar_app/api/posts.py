"""Posts, their workflow transitions and their history over REST. Each view parses, calls the same service
as the UI and serializes; errors come back as {"error", "message", "details"} with a 4xx status."""

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from calendar_app.api.post_serializers import (
    ErrorSerializer,
    PostSerializer,
    PostWriteSerializer,
)
from calendar_app.errors import InvalidInputError, NotFoundError
from calendar_app.inputs import id_parse, moment_parse
from calendar_app.models import PostStatus
from calendar_app.selectors.posts import post_get_for_user, post_list_for_user
from calendar_app.selectors.workspaces import workspace_get_for_user
from calendar_app.services import workflow
from calendar_app.services.posts import post_create, post_update
from calendar_app.services.timezones import local_to_utc

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Invalid input")),
    403: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Your role does not allow it")),
    404: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Not found, or not in your workspaces")),
    409: OpenApiResponse(
        ErrorSerializer, description=gettext_lazy("Not allowed in the post's current state")
    ),
}


def validated(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def to_utc(moment: datetime | None, workspace) -> datetime | None:
    """A time without an offset is a wall-clock time in the workspace's zone (DST gaps and overlaps are
    refused)."""
    if moment is None:
        return None
    if timezone.is_naive(moment):
        return local_to_utc(naive=moment, tz_name=workspace.timezone)
    return moment.astimezone(UTC)


def _by_ids(queryset, ids, field: str) -> list:
    wanted = list(dict.fromkeys(ids))
    found = {obj.pk: obj for obj in queryset.filter(pk__in=wanted)}
    unknown = [pk for pk in wanted if pk not in found]
    if unknown:
        raise InvalidInputError(
            _("Unknown %(field)s for this workspace: %(ids)s")
            % {"field": field, "ids": ", ".join(map(str, unknown))},
            details={"field": field, "unknown": unknown},
        )
    return [found[pk] for pk in wanted]


def _content_changes(data: dict, workspace) -> dict:
    """Map validated API fields to the post services' keyword arguments, resolving ids in the workspace."""
    changes = {key: data[key] for key in ("title", "body", "variants") if key in data}
    if "channels" in data:
        changes["channels"] = _by_ids(workspace.channels.all(), data["channels"], "channels")
    if "tags" in data:
        changes["tags"] = _by_ids(workspace.tags.all(), data["tags"], "tags")
    if "campaign" in data:
        campaign = data["campaign"]
        changes["campaign"] = (
            _by_ids(workspace.campaigns.all(), [campaign], "campaign")[0] if campaign else None
        )
    if "scheduled_at" in data:
        changes["scheduled_at"] = to_utc(data["scheduled_at"], workspace)
    return changes


def _filter_moment(request, name: str) -> datetime | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    moment = moment_parse(raw)
    if moment is None:
        raise InvalidInputError(
            _("“%(name)s” must be an ISO 8601 date or date and time.") % {"name": name},
            details={"field": name},
        )
    return moment.replace(tzinfo=UTC) if timezone.is_naive(moment) else moment


def _filter_id(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    value = id_parse(raw)
    if value is None:
        raise InvalidInputError(
            _("“%(name)s” must be a positive number.") % {"name": name}, details={"field": name}
        )
    return value


def _filter_workspace(request):
    raw = request.query_params.get("workspace")
    if not raw:
        return None
    if raw.isascii() and raw.isdecimal():
        workspace_id = id_parse(raw)
        if workspace_id is None:
            raise NotFoundError()
        return workspace_get_for_user(user=request.user, workspace_id=workspace_id)
    return workspace_get_for_user(user=request.user, slug=raw)


def _filter_status(request) -> list[str] | None:
    values = [
        v.strip() for raw in request.query_params.getlist("status") for v in raw.split(",") if v.strip()
    ]
    unknown = [v for v in values if v not in PostStatus.values]
    if unknown:
        raise InvalidInputError(
            _("Unknown status: %(values)s. Use one of: %(known)s.")
            % {"values": ", ".join(unknown), "known": ", ".join(PostStatus.values)},
            details={"field": "status"},
        )
    return values or None


def respond_with_post(request, post, http_status=status.HTTP_200_OK) -> Response:
    fresh = post_get_for_user(user=request.user, post_id=post.pk)
    return Response(PostSerializer(fresh, context={"request": request}).data, status=http_status)


LIST_PARAMETERS = [
    OpenApiParameter("workspace", OpenApiTypes.STR, description=gettext_lazy("Workspace id or slug")),
    OpenApiParameter(
        "status", OpenApiTypes.STR, description=gettext_lazy("One or more statuses, comma-separated")
    ),
    OpenApiParameter("channel", OpenApiTypes.INT, description=gettext_lazy("Channel id")),
    OpenApiParameter(
        "start", OpenApiTypes.DATETIME, description=gettext_lazy("Scheduled at or after (UTC if no offset)")
    ),
    OpenApiParameter(
        "end", OpenApiTypes.DATETIME, description=gettext_lazy("Scheduled before (UTC if no offset)")
    ),
]


class PostListApi(APIView):
    """Posts of the workspaces you belong to; create a draft."""

    serializer_class = PostSerializer

    @extend_schema(parameters=LIST_PARAMETERS, responses={200: PostSerializer(many=True), **ERRORS})
    def get(self, request):
        posts = post_list_for_user(
            user=request.user,
            workspace=_filter_workspace(request),
            status=_filter_status(request),
            channel_id=_filter_id(request, "channel"),
            start=_filter_moment(request, "start"),
            end=_filter_moment(request, "end"),
        )
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(posts, request, view=self)
        return paginator.get_paginated_response(
            PostSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(request=PostWriteSerializer, responses={201: PostSerializer, **ERRORS})
    def post(self, request):
        data = validated(PostWriteSerializer, request.data)
        if "workspace" not in data:
            raise InvalidInputError(
                _("Say which workspace the post belongs to."), details={"field": "workspace"}
            )
        workspace = workspace_get_for_user(user=request.user, workspace_id=data["workspace"])
        changes = _content_changes(data, workspace)
        changes.setdefault("body", "")
        post = post_create(workspace=workspace, user=request.user, **changes)
        return respond_with_post(request, post, status.HTTP_201_CREATED)


class PostDetailApi(APIView):
    """One post. PATCH edits its content (any change of content drops approvals); DELETE cancels it."""

    serializer_class = PostSerializer

    @extend_schema(responses={200: PostSerializer, **ERRORS})
    def get(self, request, pk):
        return respond_with_post(request, post_get_for_user(user=request.user, post_id=pk))

    @extend_schema(request=PostWriteSerializer, responses={200: PostSerializer, **ERRORS})
    def patch(self, request, pk):
        post = post_get_for_user(user=request.user, post_id=pk)
        data = validated(PostWriteSerializer, request.data, partial=True)
        if "workspace" in data and data["workspace"] != post.workspace_id:
            raise InvalidInputError(
                _("A post cannot move to another workspace."), details={"field": "workspace"}
            )
        changes = _content_changes(data, post.workspace)
        post = post_update(
            post=post, user=request.user, expected_hash=data.get("expected_hash") or None, **changes
        )
        return respond_with_post(request, post)

    @extend_schema(responses={200: PostSerializer, **ERRORS})
    def delete(self, request, pk):
        post = post_get_for_user(user=request.user, post_id=pk)
        return respond_with_post(request, workflow.post_cancel(post=post, user=request.user))
