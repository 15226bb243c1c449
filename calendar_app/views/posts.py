"""The post editor (new and edit) and the post page. Views parse input, call one service and render; every
rule (roles, workflow, time zones, images) lives in the services."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from calendar_app.errors import NotFoundError, PautaError
from calendar_app.forms import (
    ApproveForm,
    CancelForm,
    CommentForm,
    PostForm,
    RequestChangesForm,
    RescheduleForm,
)
from calendar_app.forms.fields import parse_local
from calendar_app.forms.posts import ACTION_SUBMIT
from calendar_app.models import Role
from calendar_app.selectors.posts import (
    post_available_actions,
    post_get_for_user,
    post_latest_preflight,
    post_previews,
    post_timeline,
)
from calendar_app.services.permissions import role_has
from calendar_app.services.posts import post_create, post_update, tags_ensure
from calendar_app.services.revisions import revision_default_pair, revision_diff, revision_pair
from calendar_app.services.style import post_lint
from calendar_app.services.timezones import local_to_utc
from calendar_app.services.workflow import current_approvals, post_submit
from calendar_app.views.helpers import role_refusal, workspace_view
from scheduler.models import Channel


def post_get_or_404(request, pk):
    try:
        return post_get_for_user(user=request.user, post_id=pk, workspace=request.workspace)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


def _calendar_url(request) -> str:
    return reverse("calendar_app:calendar", kwargs={"slug": request.workspace.slug})


def detail_url(post) -> str:
    return reverse("calendar_app:post-detail", kwargs={"slug": post.workspace.slug, "pk": post.pk})


def _initial_time(request):
    """`?at=YYYY-MM-DDTHH:MM` (local to the workspace) from the calendar's "click an empty day"."""
    value = request.GET.get("at", "")
    naive = parse_local(value) if value else None
    if naive is None:
        return None
    try:
        return local_to_utc(naive=naive, tz_name=request.workspace.timezone)
    except PautaError as error:
        messages.warning(request, error.message)
        return None


def _editor_strings() -> dict:
    """Words the editor's script shows, translated here so the script needs no catalogue of its own."""
    return {
        "mainText": _("Main text"),
        "variant": _("Own text"),
        "noFindings": _("No findings: the text follows the style guide."),
        "fix": _("Replace with “%(text)s”"),
        "overLimit": _("%(count)s over the limit"),
        "checking": _("Checking…"),
        "lintFailed": _("The style check is unavailable right now; it runs again when you save."),
        "noChannels": _("Choose a channel to see how the post will look there."),
        "levels": {"error": _("Error"), "warning": _("Warning"), "suggestion": _("Suggestion")},
        "networks": {"mastodon": "Mastodon", "bluesky": "Bluesky", "webhook": _("Webhook")},
        "units": {"mastodon": _("characters"), "bluesky": _("graphemes"), "webhook": _("characters")},
    }


def _editor(request, form, post=None, status=200):
    workspace = request.workspace
    context = {
        "workspace": workspace,
        "form": form,
        "post": post,
        "lint_url": reverse("calendar_app:post-lint-preview", kwargs={"slug": workspace.slug}),
        "media_items": form.media_fields(),
        "editor_strings": _editor_strings(),
    }
    with timezone.override(workspace.tzinfo):
        return render(request, "calendar_app/post_form.html", context, status=status)


def _save(request, form, post=None):
    """Create or update from a valid form, then submit when the author pressed "Submit for review"."""
    changes = form.content_changes()
    new_tags = tags_ensure(workspace=request.workspace, user=request.user, names=form.new_tag_names())
    changes["tags"] = list({tag.pk: tag for tag in [*changes["tags"], *new_tags]}.values())
    if post is None:
        post = post_create(workspace=request.workspace, user=request.user, **changes)
        messages.success(request, _("Draft saved."))
    else:
        post = post_update(post=post, user=request.user, **changes)
        messages.success(request, _("Changes saved."))
    if request.POST.get("action") == ACTION_SUBMIT:
        try:
            post_submit(post=post, user=request.user)
        except PautaError as error:
            messages.error(request, _("Saved, but not submitted: %(reason)s") % {"reason": error.message})
            return redirect("calendar_app:post-edit", slug=request.workspace.slug, pk=post.pk)
        messages.success(request, _("Submitted for review."))
    return redirect(detail_url(post))


@workspace_view
def post_new(request):
    if refusal := role_refusal(request, Role.AUTHOR, _calendar_url(request)):
        return refusal
    if request.method == "POST":
        form = PostForm(request.POST, request.FILES, workspace=request.workspace)
        if form.is_valid():
            try:
                return _save(request, form)
            except PautaError as error:
                messages.error(request, error.message)
        return _editor(request, form, status=400 if form.errors else 200)
    channels = request.workspace.channels.exclude(status=Channel.Status.DISABLED)
    form = PostForm(
        workspace=request.workspace, initial={"scheduled_at": _initial_time(request), "channels": channels}
    )
    return _editor(request, form)


@workspace_view
def post_edit(request, pk):
    post = post_get_or_404(request, pk)
    if "edit" not in post_available_actions(post=post, user=request.user):
        messages.error(request, _("This post cannot be edited by you in its current state."))
        return redirect(detail_url(post))
    if request.method == "POST":
        form = PostForm(request.POST, request.FILES, workspace=request.workspace, post=post)
        if form.is_valid():
            try:
                return _save(request, form, post=post)
            except PautaError as error:
                messages.error(request, error.message)
        return _editor(request, form, post=post, status=400 if form.errors else 200)
    return _editor(request, PostForm(workspace=request.workspace, post=post), post=post)


def _diff_for(request, post):
    try:
        if request.GET.get("from") and request.GET.get("to"):
            old, new = revision_pair(post=post, old_number=request.GET["from"], new_number=request.GET["to"])
        else:
            old, new = revision_default_pair(post=post, user=request.user)
    except NotFoundError as error:
        messages.warning(request, error.message)
        old, new = revision_default_pair(post=post, user=request.user)
    return revision_diff(post=post, old=old, new=new) if new else None


@workspace_view
def post_detail(request, pk):
    post = post_get_or_404(request, pk)
    workspace = request.workspace
    findings = post_lint(post=post)
    approvals = list(current_approvals(post))
    actions = post_available_actions(post=post, user=request.user)
    context = {
        "workspace": workspace,
        "post": post,
        "actions": actions,
        "is_reviewer": role_has(user=request.user, workspace=workspace, role=Role.REVIEWER),
        "previews": post_previews(post=post),
        "findings": findings,
        "warnings": [f for f in findings if f["level"] == "warning"],
        "errors": [f for f in findings if f["level"] == "error"],
        "approvals": approvals,
        "approvals_missing": max(workspace.approvals_required - len(approvals), 0),
        "timeline": post_timeline(post=post),
        "revisions": list(post.revisions.order_by("-number").select_related("author")),
        "diff": _diff_for(request, post),
        "preflight": post_latest_preflight(post=post),
        # Several forms share field names (`comment`); own ids keep each label tied to its own field.
        "approve_form": ApproveForm(initial={"expected_hash": post.content_hash}, auto_id="approve-%s"),
        "changes_form": RequestChangesForm(auto_id="changes-%s"),
        "cancel_form": CancelForm(auto_id="cancel-%s"),
        "reschedule_form": RescheduleForm(
            workspace=workspace, initial={"scheduled_at": post.scheduled_at}, auto_id="reschedule-%s"
        ),
        "comment_form": CommentForm(auto_id="comment-%s"),
    }
    with timezone.override(workspace.tzinfo):
        return render(request, "calendar_app/post_detail.html", context)
