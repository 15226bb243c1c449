"""The workflow buttons and the comments of the post page. Each one is a POST that calls one service and
goes back to the post page; a refusal (wrong state, wrong role, bad input) becomes a message there."""

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from calendar_app.errors import InvalidInputError, PautaError
from calendar_app.forms import ApproveForm, CancelForm, CommentForm, RequestChangesForm, RescheduleForm
from calendar_app.services import workflow
from calendar_app.services.comments import (
    comment_check_writer,
    comment_create,
    comment_delete,
    comment_get,
    comment_update,
)
from calendar_app.views.helpers import refuse_with_message, workspace_view
from calendar_app.views.posts import detail_url, post_get_or_404

DONE_MESSAGES = {
    "submit": gettext_lazy("Submitted for review."),
    "approve": gettext_lazy("Approval recorded."),
    "request_changes": gettext_lazy("Changes requested; the author has been told."),
    "cancel": gettext_lazy("The post was cancelled."),
    "reschedule": gettext_lazy("The post was moved."),
    "retry": gettext_lazy("The post is scheduled again."),
}


def _form_error(form) -> InvalidInputError:
    field, errors = next(iter(form.errors.items()))
    return InvalidInputError(str(errors[0]), details={"field": field})


def _run(request, post, action: str):
    user, data = request.user, request.POST
    if action == "submit":
        return workflow.post_submit(post=post, user=user)
    if action == "approve":
        form = ApproveForm(data)
        if not form.is_valid():
            raise _form_error(form)
        return workflow.post_approve(
            post=post,
            user=user,
            comment=form.cleaned_data["comment"],
            expected_hash=form.cleaned_data["expected_hash"] or None,
            acknowledge_warnings=form.cleaned_data["acknowledge_warnings"],
        )
    if action == "request_changes":
        form = RequestChangesForm(data)
        if not form.is_valid():
            raise _form_error(form)
        return workflow.post_request_changes(post=post, user=user, comment=form.cleaned_data["comment"])
    if action == "cancel":
        form = CancelForm(data)
        if not form.is_valid():
            raise _form_error(form)
        return workflow.post_cancel(post=post, user=user, comment=form.cleaned_data["comment"])
    if action == "reschedule":
        form = RescheduleForm(data, workspace=post.workspace)
        if not form.is_valid():
            raise _form_error(form)
        return workflow.post_reschedule(post=post, user=user, scheduled_at=form.cleaned_data["scheduled_at"])
    return workflow.post_retry(post=post, user=user, comment=data.get("comment", ""))


@require_POST
@workspace_view
def post_transition(request, pk, action):
    action = action.replace("-", "_")
    if action not in DONE_MESSAGES:
        raise Http404()
    post = post_get_or_404(request, pk)
    try:
        _run(request, post, action)
    except PautaError as error:
        return refuse_with_message(request, error, detail_url(post))
    messages.success(request, DONE_MESSAGES[action])
    return redirect(detail_url(post))


@require_POST
@workspace_view
def comment_add(request, pk):
    post = post_get_or_404(request, pk)
    form = CommentForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_error(form)
        comment_create(post=post, user=request.user, body=form.cleaned_data["body"])
    except PautaError as error:
        return refuse_with_message(request, error, detail_url(post))
    return redirect(detail_url(post) + "#timeline")


@workspace_view
def comment_edit(request, pk, comment_id):
    post = post_get_or_404(request, pk)
    try:
        comment = comment_get(post=post, user=request.user, comment_id=comment_id)
        if request.method == "POST":
            form = CommentForm(request.POST)
            if not form.is_valid():
                raise _form_error(form)
            comment_update(comment=comment, user=request.user, body=form.cleaned_data["body"])
            messages.success(request, _("Comment updated."))
            return redirect(detail_url(post) + "#timeline")
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET", "POST"])
        comment_check_writer(comment=comment, user=request.user)
    except PautaError as error:
        return refuse_with_message(request, error, detail_url(post))
    form = CommentForm(initial={"body": comment.body})
    return render(
        request, "calendar_app/post_comment_edit.html", {"post": post, "comment": comment, "form": form}
    )


@require_POST
@workspace_view
def comment_remove(request, pk, comment_id):
    post = post_get_or_404(request, pk)
    try:
        comment = comment_get(post=post, user=request.user, comment_id=comment_id)
        comment_delete(comment=comment, user=request.user)
    except PautaError as error:
        return refuse_with_message(request, error, detail_url(post))
    messages.success(request, _("Comment deleted."))
    return redirect(detail_url(post) + "#timeline")
