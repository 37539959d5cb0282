from django.urls import path

from . import views

app_name = "rapporter"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/<int:year>/", views.report, name="report"),
]
