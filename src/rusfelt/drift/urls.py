from django.urls import path

from . import views

app_name = "drift"

urlpatterns = [
    path("helse/", views.health, name="health"),
    path("jobber/<uuid:pk>/", views.job_detail, name="job"),
    path("jobber/<uuid:pk>/resultat/", views.job_result, name="job_result"),
]
