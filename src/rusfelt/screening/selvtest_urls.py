"""The public self-test at /selvtest/ (no login)."""

from django.urls import path

from . import views

app_name = "selvtest"

urlpatterns = [
    path("", views.index, name="index"),
    path("om/", views.about, name="about"),
    path("sprak/", views.language, name="language"),
    path("<str:code>/", views.selftest, name="test"),
]
