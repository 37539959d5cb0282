from django.urls import path

from . import api

app_name = "indikatorer_api"

urlpatterns = [
    path("<slug:slug>/<int:number>/serier/", api.series, name="series"),
]
