"""The style-guide page: every member reads the rules and tests texts against them; admins add, edit,
reorder, disable, delete, import and export. Views parse, call one service and render; the service decides
who may change what and whether a rule is valid."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calendar_app.errors import InvalidInputError, NotFoundError, PautaError
from calendar_app.forms.style_rules import (
    KIND_HELP,
    KIND_LABELS,
    ImportGuideForm,
    RuleSampleForm,
    SampleTextForm,
    StyleRuleForm,
)
from calendar_app.models import Role
from calendar_app.selectors.style_guide import style_rule_get, style_rules_for_workspace
from calendar_app.services import style_guide as services
from calendar_app.services.permissions import role_has, role_require
from calendar_app.services.style import text_lint
from calendar_app.views.helpers import refuse_with_message, role_refusal, workspace_view
from calendar_app.views.style_guide_display import finding_rows, marked_segments, rule_rows

TEMPLATE = "calendar_app/style_guide.html"


def _guide_url(request) -> str:
    return reverse("calendar_app:style-guide", kwargs={"slug": request.workspace.slug})


def _rule_or_404(request, pk):
    try:
        return style_rule_get(workspace=request.workspace, rule_id=pk)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


def _sample_result(text: str, findings: list[dict]) -> dict:
    return {"segments": marked_segments(text, findings), "findings": finding_rows(text, findings)}


def _page_context(request, sample_form=None, sample=None) -> dict:
    guide = services.style_guide_ensure(workspace=request.workspace)
    rules = list(style_rules_for_workspace(workspace=request.workspace))
    return {
        "workspace": request.workspace,
        "guide": guide,
        "rows": rule_rows(rules),
        "can_edit": role_has(user=request.user, workspace=request.workspace, role=Role.ADMIN),
        "kinds": [(kind, label, KIND_HELP[kind]) for kind, label in KIND_LABELS.items()],
        "sample_form": sample_form or SampleTextForm(rules=rules),
        "sample": sample,
    }


@workspace_view
def style_guide_page(request):
    return render(request, TEMPLATE, _page_context(request))


@require_POST
@workspace_view
def style_guide_test(request):
    """Findings of the whole guide, or of one rule, on a sample text; htmx swaps in just the result."""
    rules = list(style_rules_for_workspace(workspace=request.workspace))
    form = SampleTextForm(request.POST, rules=rules)
    sample = None
    if form.is_valid():
        text, network = form.cleaned_data["text"], form.cleaned_data["network"] or None
        rule_id = form.cleaned_data["rule"]
        if rule_id is None:
            findings = text_lint(workspace=request.workspace, text=text, network=network)
        else:
            rule = _rule_or_404(request, rule_id)
            findings = services.style_rule_test(
                rule_spec=services.style_rule_spec(rule),
                text=text,
                language=request.workspace.language,
                network=network,
            )
        sample = _sample_result(text, findings)
    if request.htmx:
        context = {"workspace": request.workspace, "sample_form": form, "sample": sample}
        return render(request, "calendar_app/style_guide_sample.html", context)
    return render(request, TEMPLATE, _page_context(request, sample_form=form, sample=sample))


def _rule_form_page(request, form, *, rule=None, sample_form=None, sample=None, status=200):
    context = {
        "workspace": request.workspace,
        "form": form,
        "rule": rule,
        "kind_label": KIND_LABELS[form.kind],
        "kind_help": KIND_HELP[form.kind],
        "sample_form": sample_form or RuleSampleForm(prefix="sample"),
        "sample": sample,
        "advanced_open": any(form[name].value() or form[name].errors for name in form.advanced_names),
    }
    return render(request, "calendar_app/style_guide_rule_form.html", context, status=status)


def _rule_form_post(request, form, *, rule=None):
    """Save, or (action=test) run the rule as typed against the sample text without saving it."""
    testing = request.POST.get("action") == "test"
    sample_form = RuleSampleForm(request.POST if testing else None, prefix="sample")
    if not form.is_valid() or (testing and not sample_form.is_valid()):
        return _rule_form_page(request, form, rule=rule, sample_form=sample_form, status=400)
    try:
        if testing:
            text = sample_form.cleaned_data["text"]
            findings = services.style_rule_test(
                rule_spec=form.rule_spec(),
                text=text,
                language=request.workspace.language,
                network=sample_form.cleaned_data["network"] or None,
            )
            return _rule_form_page(
                request, form, rule=rule, sample_form=sample_form, sample=_sample_result(text, findings)
            )
        if rule is None:
            services.style_rule_create(
                user=request.user, workspace=request.workspace, rule_spec=form.rule_spec()
            )
            messages.success(request, _("Rule added."))
        else:
            services.style_rule_update(user=request.user, rule=rule, rule_spec=form.rule_spec())
            messages.success(request, _("Rule saved."))
    except InvalidInputError as error:
        form.add_service_error(error.details, error.message)
        return _rule_form_page(request, form, rule=rule, sample_form=sample_form, status=400)
    except PautaError as error:
        return refuse_with_message(request, error, _guide_url(request))
    return redirect(_guide_url(request))


@workspace_view
def style_rule_new(request):
    if refusal := role_refusal(request, Role.ADMIN, _guide_url(request)):
        return refusal
    kind = request.POST.get("kind") or request.GET.get("kind")
    if kind not in KIND_LABELS:
        kinds = [(key, label, KIND_HELP[key]) for key, label in KIND_LABELS.items()]
        return render(
            request, "calendar_app/style_guide_kinds.html", {"workspace": request.workspace, "kinds": kinds}
        )
    if request.method == "POST":
        return _rule_form_post(request, StyleRuleForm(request.POST, kind=kind))
    return _rule_form_page(request, StyleRuleForm(kind=kind))


@workspace_view
def style_rule_edit(request, pk):
    rule = _rule_or_404(request, pk)
    if refusal := role_refusal(request, Role.ADMIN, _guide_url(request)):
        return refusal
    if request.method == "POST":
        return _rule_form_post(request, StyleRuleForm(request.POST, kind=rule.kind), rule=rule)
    initial = StyleRuleForm.initial_from_spec(services.style_rule_spec(rule))
    return _rule_form_page(request, StyleRuleForm(initial=initial, kind=rule.kind), rule=rule)


@workspace_view
def style_rule_delete(request, pk):
    """GET asks for confirmation; POST deletes."""
    rule = _rule_or_404(request, pk)
    try:
        if request.method != "POST":
            role_require(user=request.user, workspace=request.workspace, role=Role.ADMIN)
            rows = rule_rows([rule])
            return render(
                request,
                "calendar_app/style_guide_rule_delete.html",
                {"workspace": request.workspace, "row": rows[0]},
            )
        services.style_rule_delete(user=request.user, rule=rule)
    except PautaError as error:
        return refuse_with_message(request, error, _guide_url(request))
    messages.success(request, _("Rule deleted."))
    return redirect(_guide_url(request))


@require_POST
@workspace_view
def style_rule_toggle(request, pk):
    rule = _rule_or_404(request, pk)
    try:
        services.style_rule_toggle(user=request.user, rule=rule)
    except PautaError as error:
        return refuse_with_message(request, error, _guide_url(request))
    return redirect(_guide_url(request) + f"#rule-{rule.pk}")


@require_POST
@workspace_view
def style_rule_move(request, pk):
    rule = _rule_or_404(request, pk)
    try:
        services.style_rule_move(user=request.user, rule=rule, direction=request.POST.get("direction", ""))
    except PautaError as error:
        return refuse_with_message(request, error, _guide_url(request))
    return redirect(_guide_url(request) + f"#rule-{rule.pk}")


@workspace_view
def style_guide_import(request):
    if refusal := role_refusal(request, Role.ADMIN, _guide_url(request)):
        return refusal
    form = ImportGuideForm(request.POST or None, request.FILES or None)
    problems, status = [], 200
    if request.method == "POST":
        if form.is_valid():
            try:
                rules = services.style_guide_import_yaml(
                    user=request.user, workspace=request.workspace, text=form.cleaned_data["text"]
                )
            except InvalidInputError as error:
                problems = error.details.get("problems") or [{"line": None, "message": error.message}]
            except PautaError as error:
                return refuse_with_message(request, error, _guide_url(request))
            else:
                messages.success(request, _("Guide imported: %(count)d rules.") % {"count": len(rules)})
                return redirect(_guide_url(request))
        status = 400
    context = {"workspace": request.workspace, "form": form, "problems": problems}
    return render(request, "calendar_app/style_guide_import.html", context, status=status)


@workspace_view
def style_guide_export(request):
    try:
        text = services.style_guide_export_yaml(user=request.user, workspace=request.workspace)
    except PautaError as error:
        return refuse_with_message(request, error, _guide_url(request))
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{request.workspace.slug}-style-guide.yaml"'
    return response
