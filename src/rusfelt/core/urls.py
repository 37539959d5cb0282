from django.contrib.auth import views as auth_views
from django.urls import path

from rusfelt.konto.views import LoginView

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "logg-inn/",
        LoginView.as_view(),
        name="login",
    ),
    path("logg-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("enheter/", views.unit_list, name="unit_list"),
    path("enheter/<str:code>/", views.unit_detail, name="unit_detail"),
    path("administrasjon/brukere/", views.user_list, name="user_list"),
    path("administrasjon/brukere/ny/", views.user_create, name="user_create"),
    path("administrasjon/brukere/<int:user_id>/", views.user_detail, name="user_detail"),
    path(
        "administrasjon/brukere/<int:user_id>/aktiv/", views.user_set_active,
        name="user_set_active",
    ),
    path(
        "administrasjon/tilganger/<int:grant_id>/fjern/", views.grant_revoke, name="grant_revoke"
    ),
    path("administrasjon/logg/", views.audit_log, name="audit_log"),
]
