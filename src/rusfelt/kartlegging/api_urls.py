from django.urls import path

from . import api

app_name = "kartlegging_api"

urlpatterns = [
    path("runde/<str:code>/utvikling/", api.trend, name="trend"),
]
