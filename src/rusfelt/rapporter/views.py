from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string

from rusfelt.core import audit
from rusfelt.core.models import AuditAction
from rusfelt.core.scoping import units_for

from . import services
from .forms import ReportChoiceForm


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
    context = {"report": built, "unit": unit}
    if request.GET.get("format") == "pdf":
        audit.record(
            AuditAction.EXPORT, request=request, unit=unit,
            detail={"export": "rapport", "format": "pdf", "year": year},
        )
        return HttpResponse(
            render_pdf(context),
            content_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="rusfelt-{unit.code}-{year}.pdf"'
            },
        )
    return render(request, "rapporter/report.html", context)


def render_pdf(context) -> bytes:
    """The report as PDF through WeasyPrint, from the same partial as the page."""
    from weasyprint import CSS, HTML

    html = render_to_string("rapporter/report_pdf.html", context)
    stylesheets = [
        CSS(filename=finders.find("rusfelt/css/site.css")),
        CSS(filename=finders.find("rapporter/report-print.css")),
    ]
    return HTML(string=html).write_pdf(stylesheets=stylesheets)
