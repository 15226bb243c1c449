from django.urls import path

app_name = "scheduler"

urlpatterns: list = []
