"""The style guide over REST: lint a text as the editor and the pre-flight do, and read a workspace's rules.
Any member may do both (a viewer can check a text); a workspace the user is not in answers 404."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from calendar_app.api.post_serializers import ErrorSerializer
from calendar_app.selectors.style_guide import style_rules_for_workspace
from calendar_app.selectors.workspaces import workspace_get_for_user
from calendar_app.services.style import text_lint
from calendar_app.services.style_guide import style_guide_ensure, style_rule_spec
from scheduler.models import Network

MAX_TEXT = 20_000
MAX_MEDIA = 20
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=_("Invalid input")),
    401: OpenApiResponse(ErrorSerializer, description=_("Not logged in")),
    404: OpenApiResponse(ErrorSerializer, description=_("Not found, or not in your workspaces")),
}


class LintMediaSerializer(serializers.Serializer):
    alt_text = serializers.CharField(allow_blank=True, max_length=1500, trim_whitespace=False)


class LintInputSerializer(serializers.Serializer):
    workspace = serializers.IntegerField(min_value=1)
    text = serializers.CharField(allow_blank=True, max_length=MAX_TEXT, trim_whitespace=False)
    network = serializers.ChoiceField(choices=Network.choices, required=False, allow_null=True)
    media = LintMediaSerializer(many=True, required=False, max_length=MAX_MEDIA)


class FindingSerializer(serializers.Serializer):
    rule_index = serializers.IntegerField(
        help_text=_("Position of the rule among the guide's enabled rules.")
    )
    rule_id = serializers.CharField(allow_null=True)
    kind = serializers.CharField()
    level = serializers.ChoiceField(choices=["error", "warning", "suggestion"])
    message = serializers.CharField()
    suggestion = serializers.CharField(allow_null=True)
    start = serializers.IntegerField(
        allow_null=True, help_text=_("Offset in Unicode code points; null: whole text.")
    )
    end = serializers.IntegerField(allow_null=True)
    detail = serializers.DictField()


class LintResultSerializer(serializers.Serializer):
    findings = FindingSerializer(many=True)


class StyleRuleSerializer(serializers.Serializer):
    pk = serializers.IntegerField()
    id = serializers.CharField(allow_null=True)
    kind = serializers.CharField()
    level = serializers.CharField()
    message = serializers.CharField()
    networks = serializers.ListField(child=serializers.CharField())
    enabled = serializers.BooleanField()
    params = serializers.DictField()


class StyleGuideSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    language = serializers.CharField()
    rules = StyleRuleSerializer(many=True)


class LintApi(APIView):
    """Style-guide findings for a text in a workspace, for one network (or, without one, every rule)."""

    @extend_schema(request=LintInputSerializer, responses={200: LintResultSerializer, **ERRORS})
    def post(self, request):
        serializer = LintInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        workspace = workspace_get_for_user(user=request.user, workspace_id=data["workspace"])
        findings = text_lint(
            workspace=workspace,
            text=data["text"],
            network=data.get("network") or None,
            media=data.get("media", []),
        )
        return Response({"findings": findings})


class StyleGuideApi(APIView):
    """The workspace's rules in order, disabled ones included; edits happen on the style-guide page."""

    @extend_schema(responses={200: StyleGuideSerializer, **ERRORS})
    def get(self, request, workspace_id):
        workspace = workspace_get_for_user(user=request.user, workspace_id=workspace_id)
        guide = style_guide_ensure(workspace=workspace)
        rules = [
            {"pk": rule.pk, "id": rule.key or None, **style_rule_spec(rule)}
            for rule in style_rules_for_workspace(workspace=workspace)
        ]
        return Response({"version": guide.version, "language": workspace.language, "rules": rules})
