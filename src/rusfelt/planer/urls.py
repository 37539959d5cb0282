from django.urls import path

from . import views

app_name = "planer"

urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.plan_import, name="import"),
    path("<slug:slug>/", views.plan_detail, name="plan_detail"),
    path("<slug:slug>/endre/", views.plan_edit, name="plan_edit"),
    path("<slug:slug>/tiltak/", views.tiltak_list, name="tiltak_list"),
    path("<slug:slug>/tiltak/nytt/", views.tiltak_edit, name="tiltak_new"),
    path("<slug:slug>/tiltak/<int:pk>/", views.tiltak_detail, name="tiltak_detail"),
    path("<slug:slug>/tiltak/<int:pk>/endre/", views.tiltak_edit, name="tiltak_edit"),
    path("<slug:slug>/status/", views.status_update, name="status_update"),
    path("<slug:slug>/endringer/", views.endringer, name="endringer"),
    path("<slug:slug>/rapport/", views.rapport, name="rapport"),
    path("<slug:slug>/eksport.<str:fmt>", views.eksport, name="eksport"),
]
