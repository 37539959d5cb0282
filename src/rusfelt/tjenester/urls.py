from django.urls import path

from rusfelt.core.views import not_built

app_name = "tjenester"

urlpatterns = [
    path("", not_built, {"app_label": "tjenester"}, name="index"),
]
