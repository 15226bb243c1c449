from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from calendar_app.selectors.workspaces import membership_roles_for_user, workspace_list_for_user


class WorkspaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    timezone = serializers.CharField()
    language = serializers.CharField()
    approvals_required = serializers.IntegerField()
    paused = serializers.BooleanField()
    paused_reason = serializers.CharField()
    role = serializers.CharField()


class WorkspaceListApi(APIView):
    """Workspaces the user belongs to, with their role in each."""

    serializer_class = WorkspaceSerializer

    def get(self, request):
        roles = membership_roles_for_user(user=request.user)
        workspaces = workspace_list_for_user(user=request.user)
        for workspace in workspaces:
            workspace.role = roles[workspace.pk]
        return Response(WorkspaceSerializer(workspaces, many=True).data)
