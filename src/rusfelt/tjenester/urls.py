from django.urls import path

from . import views

app_name = "tjenester"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.planner_list, name="planner_list"),
    path("mine/ny/", views.create, name="create"),
    path("mine/mangler/", views.planner_quality, name="planner_quality"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/endre/", views.edit, name="edit"),
    path("<slug:slug>/kontrollert/", views.verify, name="verify"),
]
