from django.urls import path

from rusfelt.core.views import not_built

app_name = "planer"

urlpatterns = [
    path("", not_built, {"app_label": "planer"}, name="index"),
]
