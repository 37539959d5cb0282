"""Planer's background jobs: the yearly status report as a document (rusfelt.drift.jobs)."""

from django.utils.translation import gettext as _

from rusfelt.core import audit
from rusfelt.core.models import AuditAction
from rusfelt.drift import jobs

from . import report as report_mod
from .models import Plan


@jobs.handler("planer.rapport")
def report_job(job, payload, progress, request):
    """The same build and render the report page ran in the request."""
    plan = Plan.objects.get(pk=job.params["plan"])
    year, fmt = job.params["year"], job.params["format"]
    progress(0, 2, _("Henter tiltak, status og indikatorer"))
    built = report_mod.build(plan, year)
    progress(1, 2, _("Lager dokumentet"))
    content = report_mod.render(built, fmt)
    content_type, ext = report_mod.FORMATS[fmt]
    audit.record(AuditAction.EXPORT, request=request, user=job.user, obj=plan,
                 detail={"report": "statusrapport", "year": year, "format": fmt})
    progress(2, 2)
    return jobs.Outcome(
        message=_("Statusrapporten for %(year)s er klar.") % {"year": year},
        file=content, name=f"statusrapport-{plan.slug}-{year}.{ext}",
        content_type=content_type, url=plan.get_absolute_url())
