from django.urls import path

from . import api

app_name = "tjenester_api"

urlpatterns = [
    path("", api.service_list, name="list"),
    path("openapi.json", api.openapi, name="openapi"),
    path("hsds/", api.hsds_export, name="hsds"),
    path("hsds/services", api.hsds_services, name="hsds_services"),
    path("hsds/services/<uuid:service_id>", api.hsds_service, name="hsds_service"),
    path("<slug:slug>/", api.service_detail, name="detail"),
]
