from django.urls import path

from rusfelt.core.views import not_built

app_name = "kartlegging"

urlpatterns = [
    path("", not_built, {"app_label": "kartlegging"}, name="index"),
]
