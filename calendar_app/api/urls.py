from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

from calendar_app.api import workspaces

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("workspaces/", workspaces.WorkspaceListApi.as_view(), name="api-workspaces"),
]
