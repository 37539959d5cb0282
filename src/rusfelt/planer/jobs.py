"""Planer's background jobs: the yearly status report as a document (rusfelt.drift.jobs)."""

from django.utils.translation import gettext as _

from rusfelt.core import audit
from rusfelt.core.dokumenter import render as render_document
from rusfelt.core.models import AuditAction
from rusfelt.drift import jobs

from . import report as report_mod
from .models import Plan


@jobs.handler("planer.rapport")
def report_job(job, payload, progress, request):
    """The same build and render the report page ran in the request (core.dokumenter)."""
    plan = Plan.objects.get(pk=job.params["plan"])
    year, fmt = job.params["year"], job.params["format"]
    progress(0, 2, _("Henter tiltak, status og indikatorer"))
    built = report_mod.build(plan, year)
    progress(1, 2, _("Lager dokumentet"))
    content = render_document.render(built, fmt)
    audit.record(AuditAction.EXPORT, request=request, user=job.user, obj=plan,
                 detail={"report": "statusrapport", "year": year, "format": fmt})
    progress(2, 2)
    return jobs.Outcome(
        message=_("Statusrapporten for %(year)s er klar.") % {"year": year},
        file=content, name=f"{built.filename}.{fmt}",
        content_type=render_document.CONTENT_TYPES[fmt], url=plan.get_absolute_url())
