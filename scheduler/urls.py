from django.urls import path

from scheduler import views

app_name = "scheduler"

urlpatterns = [
    path("w/<slug:slug>/channels/", views.channel_list, name="channels"),
    path("w/<slug:slug>/channels/connect/", views.channel_connect_view, name="channel-connect"),
    path("w/<slug:slug>/channels/<int:pk>/confirm/", views.channel_confirm, name="channel-confirm"),
    path(
        "w/<slug:slug>/channels/<int:pk>/reconnect/", views.channel_reconnect_view, name="channel-reconnect"
    ),
    path("w/<slug:slug>/publishing/pause/", views.publishing_pause, name="pause"),
    path("w/<slug:slug>/publishing/resume/", views.publishing_resume, name="resume"),
    path("w/<slug:slug>/posts/<int:pk>/publishing/", views.post_publishing, name="post-publishing"),
    path("w/<slug:slug>/posts/<int:pk>/preflight/", views.post_preflight_run, name="post-preflight"),
    path("w/<slug:slug>/posts/<int:pk>/publish-now/", views.post_publish_now_view, name="post-publish-now"),
    path("w/<slug:slug>/preflight/<int:report_id>/", views.preflight_report, name="preflight-report"),
]
