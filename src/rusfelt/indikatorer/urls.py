from django.urls import path

from . import views

app_name = "indikatorer"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.sett_detail, name="sett"),
    path("<slug:slug>/status.pdf", views.sett_pdf, name="sett_pdf"),
    path("<slug:slug>/status.xlsx", views.sett_xlsx, name="sett_xlsx"),
    path("<slug:slug>/mal/", views.goals, name="goals"),
    path(
        "<slug:slug>/mal/<str:code>/<int:year>/<slug:gruppe>/",
        views.goal_assessment, name="goal_assessment",
    ),
    path("<slug:slug>/import/", views.import_view, name="import"),
    path("<slug:slug>/<int:number>/", views.indikator_detail, name="indikator"),
    path("<slug:slug>/<int:number>/sammenlign/", views.compare, name="compare"),
]
