from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from rusfelt.core import audit
from rusfelt.core.dokumenter import html_writer
from rusfelt.core.dokumenter import render as render_document
from rusfelt.core.models import AuditAction, OrgUnit
from rusfelt.core.scoping import units_for

from . import services
from .forms import ReportChoiceForm

FORMATS = ("pdf", "docx", "xlsx")


@login_required
def index(request):
    units = units_for(request.user).order_by("path")
    form = ReportChoiceForm(request.GET or None, units=units, latest=services.latest_year(
        services.years_with_data(units, request.user)))
    if form.is_valid():
        unit = form.cleaned_data["unit"]
        year = form.cleaned_data["year"] or services.latest_year(services.years_with_data(
            OrgUnit.objects.descendants_of(unit), request.user)) or timezone.localdate().year
        return redirect("rapporter:report", code=unit.code, year=year)
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
