"""The workflow endpoints of a post (submit, approve, request changes, cancel, reschedule, retry), its
history, and its images. Each one runs one service and answers with the post as `GET` shows it."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from calendar_app.api.post_serializers import (
    ApproveInputSerializer,
    AuditEntrySerializer,
    CommentInputSerializer,
    MediaInputSerializer,
    PostSerializer,
    RescheduleInputSerializer,
)
from calendar_app.api.posts import ERRORS, respond_with_post, to_utc, validated
from calendar_app.selectors.posts import post_get_for_user, post_history
from calendar_app.services import workflow
from calendar_app.services.media import media_prepare
from calendar_app.services.posts import post_update


class PostTransitionApi(APIView):
    """Base of the workflow endpoints: POST runs one transition and answers with the post."""

    input_serializer = CommentInputSerializer
    serializer_class = PostSerializer

    def run(self, *, post, user, data):
        raise NotImplementedError

    def post(self, request, pk):
        post = post_get_for_user(user=request.user, post_id=pk)
        data = validated(self.input_serializer, request.data)
        return respond_with_post(request, self.run(post=post, user=request.user, data=data))


def _transition_schema(input_serializer, description: str):
    return extend_schema(
        request=input_serializer, responses={200: PostSerializer, **ERRORS}, description=description
    )


class PostSubmitApi(PostTransitionApi):
    @_transition_schema(
        None, gettext_lazy("Send a draft for review (refused while the style guide reports errors).")
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, *, post, user, data):
        return workflow.post_submit(post=post, user=user)


class PostApproveApi(PostTransitionApi):
    input_serializer = ApproveInputSerializer

    @_transition_schema(
        ApproveInputSerializer, gettext_lazy("Approve the content whose hash is `expected_hash`.")
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, *, post, user, data):
        return workflow.post_approve(
            post=post,
            user=user,
            comment=data["comment"],
            expected_hash=data["expected_hash"] or None,
            acknowledge_warnings=data["acknowledge_warnings"],
        )


class PostRequestChangesApi(PostTransitionApi):
    @_transition_schema(
        CommentInputSerializer, gettext_lazy("Send back to the author; a comment is required.")
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, *, post, user, data):
        return workflow.post_request_changes(post=post, user=user, comment=data["comment"])


class PostCancelApi(PostTransitionApi):
    @_transition_schema(CommentInputSerializer, gettext_lazy("Cancel a post that has not been published."))
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, *, post, user, data):
        return workflow.post_cancel(post=post, user=user, comment=data["comment"])


class PostRescheduleApi(PostTransitionApi):
    input_serializer = RescheduleInputSerializer

    @_transition_schema(
        RescheduleInputSerializer,
        gettext_lazy(
            "Move the post. A reviewer's move keeps its approvals; an author's move withdraws them."
        ),
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, *, post, user, data):
        return workflow.post_reschedule(
            post=post, user=user, scheduled_at=to_utc(data["scheduled_at"], post.workspace)
        )


class PostRetryApi(PostTransitionApi):
    @_transition_schema(
        CommentInputSerializer, gettext_lazy("Schedule a failed post again with its still-valid approvals.")
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, *, post, user, data):
        return workflow.post_retry(post=post, user=user, comment=data["comment"])


class PostHistoryApi(APIView):
    """The post's audit log: who moved it, when, from which state to which, with comments and reports."""

    serializer_class = AuditEntrySerializer

    @extend_schema(responses={200: AuditEntrySerializer(many=True), **ERRORS})
    def get(self, request, pk):
        post = post_get_for_user(user=request.user, post_id=pk)
        return Response(AuditEntrySerializer(post_history(post=post), many=True).data)


class PostMediaApi(APIView):
    """Attach an image (multipart: `image`, `alt_text`). It is validated and stripped of EXIF/GPS data."""

    parser_classes = [MultiPartParser, FormParser]
    serializer_class = PostSerializer

    @extend_schema(request=MediaInputSerializer, responses={201: PostSerializer, **ERRORS})
    def post(self, request, pk):
        post = post_get_for_user(user=request.user, post_id=pk)
        data = validated(MediaInputSerializer, request.data)
        prepared = media_prepare(upload=data["image"])
        post = post_update(post=post, user=request.user, media_add=[(prepared, data["alt_text"])])
        return respond_with_post(request, post, status.HTTP_201_CREATED)


class PostMediaDetailApi(APIView):
    serializer_class = PostSerializer

    @extend_schema(responses={200: PostSerializer, **ERRORS})
    def delete(self, request, pk, media_id):
        post = post_get_for_user(user=request.user, post_id=pk)
        return respond_with_post(request, post_update(post=post, user=request.user, media_remove=[media_id]))
