from django.urls import path

from . import groups, views

app_name = "konto"

urlpatterns = [
    path("tofaktor/", views.enrol, name="enrol"),
    path("tofaktor/bekreft/", views.verify, name="verify"),
    path("tofaktor/koder/", views.recovery_codes, name="recovery_codes"),
    path("tofaktor/fjern/", views.remove, name="remove"),
    path("bekreft/", views.reauth, name="reauth"),
    path("oidc/", views.oidc_login, name="oidc_login"),
    path("oidc/tilbake/", views.oidc_callback, name="oidc_callback"),
    path("grupper/", groups.mapping_list, name="group_mappings"),
    path("grupper/<int:pk>/slett/", groups.mapping_delete, name="group_mapping_delete"),
]
