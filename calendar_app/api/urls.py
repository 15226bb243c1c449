from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

from calendar_app.api import calendar, lint, post_transitions, posts, workspaces
from scheduler import api as scheduler_api

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("workspaces/", workspaces.WorkspaceListApi.as_view(), name="api-workspaces"),
    path(
        "workspaces/<int:workspace_id>/channels/", scheduler_api.ChannelListApi.as_view(), name="api-channels"
    ),
    path("workspaces/<int:workspace_id>/pause/", scheduler_api.WorkspacePauseApi.as_view(), name="api-pause"),
    path(
        "workspaces/<int:workspace_id>/resume/", scheduler_api.WorkspaceResumeApi.as_view(), name="api-resume"
    ),
    path("posts/<int:pk>/preflight/", scheduler_api.PostPreflightApi.as_view(), name="api-post-preflight"),
    path("calendar/", calendar.CalendarApi.as_view(), name="api-calendar"),
    path("posts/", posts.PostListApi.as_view(), name="api-posts"),
    path("posts/<int:pk>/", posts.PostDetailApi.as_view(), name="api-post"),
    path("posts/<int:pk>/submit/", post_transitions.PostSubmitApi.as_view(), name="api-post-submit"),
    path("posts/<int:pk>/approve/", post_transitions.PostApproveApi.as_view(), name="api-post-approve"),
    path(
        "posts/<int:pk>/request-changes/",
        post_transitions.PostRequestChangesApi.as_view(),
        name="api-post-request-changes",
    ),
    path("posts/<int:pk>/cancel/", post_transitions.PostCancelApi.as_view(), name="api-post-cancel"),
    path(
        "posts/<int:pk>/reschedule/", post_transitions.PostRescheduleApi.as_view(), name="api-post-reschedule"
    ),
    path("posts/<int:pk>/retry/", post_transitions.PostRetryApi.as_view(), name="api-post-retry"),
    path("posts/<int:pk>/history/", post_transitions.PostHistoryApi.as_view(), name="api-post-history"),
    path("posts/<int:pk>/media/", post_transitions.PostMediaApi.as_view(), name="api-post-media"),
    path(
        "posts/<int:pk>/media/<int:media_id>/",
        post_transitions.PostMediaDetailApi.as_view(),
        name="api-post-media-detail",
    ),
    path("lint/", lint.LintApi.as_view(), name="api-lint"),
    path("workspaces/<int:workspace_id>/style-guide/", lint.StyleGuideApi.as_view(), name="api-style-guide"),
]
