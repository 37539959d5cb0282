from django.urls import path

from . import views

app_name = "konto"

urlpatterns = [
    path("tofaktor/", views.enrol, name="enrol"),
    path("tofaktor/bekreft/", views.verify, name="verify"),
    path("tofaktor/koder/", views.recovery_codes, name="recovery_codes"),
    path("tofaktor/fjern/", views.remove, name="remove"),
    path("bekreft/", views.reauth, name="reauth"),
    path("oidc/", views.oidc_login, name="oidc_login"),
    path("oidc/tilbake/", views.oidc_callback, name="oidc_callback"),
]
