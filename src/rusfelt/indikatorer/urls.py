from django.urls import path

from rusfelt.core.views import not_built

app_name = "indikatorer"

urlpatterns = [
    path("", not_built, {"app_label": "indikatorer"}, name="index"),
]
