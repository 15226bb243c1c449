from django.urls import path

from calendar_app.views import (
    calendar,
    feeds,
    home,
    notifications,
    post_actions,
    post_lint,
    posts,
    review,
    style_guide,
    upcoming,
)

app_name = "calendar_app"

urlpatterns = [
    path("", home.home, name="home"),
    path("workspaces/switch/", home.workspace_switch, name="workspace-switch"),
    path("w/<slug:slug>/calendar/", calendar.calendar_view, name="calendar"),
    path("w/<slug:slug>/calendar/timezone/", calendar.calendar_timezone, name="calendar-timezone"),
    path("w/<slug:slug>/calendar/feed/", feeds.calendar_feed_settings, name="calendar-feed"),
    path("calendar/feed/<str:token>.ics", feeds.calendar_feed_ics, name="calendar-feed-ics"),
    path("w/<slug:slug>/upcoming/", upcoming.upcoming_view, name="upcoming"),
    path("w/<slug:slug>/posts/<int:pk>/move/", calendar.post_move, name="post-move"),
    path("w/<slug:slug>/posts/<int:pk>/reschedule/", calendar.post_reschedule_submit, name="post-reschedule"),
    path("w/<slug:slug>/posts/new/", posts.post_new, name="post-new"),
    path("w/<slug:slug>/posts/lint-preview/", post_lint.post_lint_preview, name="post-lint-preview"),
    path("w/<slug:slug>/posts/<int:pk>/", posts.post_detail, name="post-detail"),
    path("w/<slug:slug>/posts/<int:pk>/edit/", posts.post_edit, name="post-edit"),
    path("w/<slug:slug>/posts/<int:pk>/do/<str:action>/", post_actions.post_transition, name="post-action"),
    path("w/<slug:slug>/posts/<int:pk>/comments/", post_actions.comment_add, name="post-comment-add"),
    path(
        "w/<slug:slug>/posts/<int:pk>/comments/<int:comment_id>/edit/",
        post_actions.comment_edit,
        name="post-comment-edit",
    ),
    path(
        "w/<slug:slug>/posts/<int:pk>/comments/<int:comment_id>/delete/",
        post_actions.comment_remove,
        name="post-comment-delete",
    ),
    path("w/<slug:slug>/review/", review.review_queue, name="review-queue"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.notification_read_all, name="notifications-read"),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification-open"),
    path("w/<slug:slug>/style-guide/", style_guide.style_guide_page, name="style-guide"),
    path("w/<slug:slug>/style-guide/test/", style_guide.style_guide_test, name="style-guide-test"),
    path("w/<slug:slug>/style-guide/import/", style_guide.style_guide_import, name="style-guide-import"),
    path("w/<slug:slug>/style-guide/export/", style_guide.style_guide_export, name="style-guide-export"),
    path("w/<slug:slug>/style-guide/rules/new/", style_guide.style_rule_new, name="style-rule-new"),
    path("w/<slug:slug>/style-guide/rules/<int:pk>/", style_guide.style_rule_edit, name="style-rule-edit"),
    path(
        "w/<slug:slug>/style-guide/rules/<int:pk>/delete/",
        style_guide.style_rule_delete,
        name="style-rule-delete",
    ),
    path(
        "w/<slug:slug>/style-guide/rules/<int:pk>/toggle/",
        style_guide.style_rule_toggle,
        name="style-rule-toggle",
    ),
    path(
        "w/<slug:slug>/style-guide/rules/<int:pk>/move/", style_guide.style_rule_move, name="style-rule-move"
    ),
]
