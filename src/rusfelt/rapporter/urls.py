from django.urls import path

from rusfelt.core.views import not_built

app_name = "rapporter"

urlpatterns = [
    path("", not_built, {"app_label": "rapporter"}, name="index"),
]
