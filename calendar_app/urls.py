from django.urls import path

from calendar_app.views import calendar, home

app_name = "calendar_app"

urlpatterns = [
    path("", home.home, name="home"),
    path("workspaces/switch/", home.workspace_switch, name="workspace-switch"),
    path("w/<slug:slug>/calendar/", calendar.calendar_view, name="calendar"),
]
