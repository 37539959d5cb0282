"""Staff pages at /screening/: the instruments and their blank forms."""

from django.urls import path

from . import views

app_name = "screening"

urlpatterns = [
    path("", views.staff_index, name="index"),
    path("skjema/<str:code>.pdf", views.blank_form, {"fmt": "pdf"}, name="blank_pdf"),
    path("skjema/<str:code>.docx", views.blank_form, {"fmt": "docx"}, name="blank_docx"),
]
