from django.urls import path

from .views import privacy, results, rounds

app_name = "kartlegging"

urlpatterns = [
    path("", rounds.index, name="index"),
    path("ny/", rounds.round_create, name="round_create"),
    path("import/", rounds.import_batch_view, name="import_batch"),
    path("runde/<str:code>/", rounds.round_detail, name="runde"),
    path("runde/<str:code>/status/", rounds.round_state, name="round_state"),
    path("runde/<str:code>/registrer/", rounds.register, name="register"),
    path("runde/<str:code>/import/", rounds.import_view, name="import"),
    path("runde/<str:code>/resultater/", results.results, name="results"),
    path("runde/<str:code>/publisert/", results.published, name="published"),
    path("runde/<str:code>/resultater.xlsx", results.results_xlsx, name="results_xlsx"),
    path("runde/<str:code>/registreringer.csv", results.records_csv, name="records_csv"),
    path("runde/<str:code>/informasjon/", privacy.information, name="information"),
    path("innsyn/", privacy.access_lookup, name="access_lookup"),
    path("innsyn/<int:pk>/rett/", privacy.correct, name="correct"),
    path("innsyn/<int:pk>/slett/", privacy.delete, name="delete"),
    path("tilgang/", privacy.access_overview, name="access_overview"),
    path("tilgang.csv", privacy.access_overview_csv, name="access_overview_csv"),
]
