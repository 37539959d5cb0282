from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from rusfelt.core import audit
from rusfelt.core.dokumenter import html_writer
from rusfelt.core.dokumenter import render as render_document
from rusfelt.core.models import AuditAction
from rusfelt.core.scoping import units_for

from . import services
from .forms import ReportChoiceForm

FORMATS = ("pdf", "docx", "xlsx")


@login_required
def index(request):
    units = units_for(request.user).order_by("path")
    form = ReportChoiceForm(request.GET or None, units=units)
    if form.is_valid():
        return redirect(
            "rapporter:report", code=form.cleaned_data["unit"].code, year=form.cleaned_data["year"]
        )
    return render(request, "rapporter/index.html", {"form": form})


@login_required
def report(request, code, year):
    # Another municipality's unit answers 404 through the scoped queryset.
    unit = get_object_or_404(units_for(request.user), code=code)
    built = services.build_report(unit, year, request.user)
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        audit.record(
            AuditAction.EXPORT, request=request, unit=unit,
            detail={"export": "rapport", "format": fmt, "year": year},
        )
        return render_document.response(built, fmt)
    return render(request, "rapporter/report.html", {
        "document": html_writer.context(built), "unit": unit, "year": year})
