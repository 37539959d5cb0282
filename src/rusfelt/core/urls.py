from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import LoginForm

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "logg-inn/",
        auth_views.LoginView.as_view(
            template_name="core/login.html", authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
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
