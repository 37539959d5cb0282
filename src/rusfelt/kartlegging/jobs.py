"""Kartlegging's background jobs: the registration import (rusfelt.drift.jobs)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from rusfelt.core.domain.tabular import InvalidRows, TableError
from rusfelt.drift import jobs

from . import services
from .models import Runde, State


@jobs.handler("kartlegging.import")
def import_job(job, payload, progress, request):
    """The same import the page ran in the request, all or nothing, with progress."""
    runde = Runde.objects.select_related("unit").get(pk=job.params["runde"])
    progress(0, None, _("Leser filen"))

    def report(done, total):
        progress(done, total, _("Lagrer registreringene") if done >= total
                 else _("Kontrollerer radene"))

    try:
        n = services.import_registrations(runde, payload, job.params.get("filename", ""),
                                          user=job.user, request=request, progress=report)
    except InvalidRows as exc:
        raise jobs.JobFailed(
            _("Filen har %(n)s feil. Ingenting er importert; rett filen og prøv igjen.")
            % {"n": len(exc.errors)}, exc.errors) from None
    except (TableError, services.KartleggingError) as exc:
        raise jobs.JobFailed(str(exc)) from None
    return jobs.Outcome(message=_("%(n)s registreringer er importert.") % {"n": n},
                        url=runde.get_absolute_url())


@jobs.handler("kartlegging.import_batch")
def import_batch_job(job, payload, progress, request):
    """``services.import_batch`` of the files the batch page packed, all or nothing."""
    rounds = Runde.objects.select_related("unit").in_bulk(job.params["runder"])
    files = services.unpack_files(payload)
    progress(0, len(files), _("Kontrollerer filene"))
    batch = [(rounds[pk], data, name)
             for pk, (name, data) in zip(job.params["runder"], files, strict=True)]
    try:
        counts = services.import_batch(
            batch, user=job.user, request=request,
            progress=lambda done, total: progress(done, total, _("Kontrollerer filene")))
    except services.InvalidFiles as exc:
        raise jobs.JobFailed(
            _("%(n)s av %(total)s filer har feil. Ingenting er importert fra noen av filene; "
              "rett filene og prøv igjen.") % {"n": len(exc.problems), "total": len(batch)},
            exc.errors) from None
    except services.KartleggingError as exc:
        raise jobs.JobFailed(str(exc)) from None
    return jobs.Outcome(
        message=_("%(n)s registreringer er importert i %(runder)s runder.")
        % {"n": sum(counts), "runder": len(counts)}, url=reverse("kartlegging:index"))


@jobs.handler("kartlegging.publish")
def publish_job(job, payload, progress, request):
    """The same change_state() the round page ran in the request."""
    runde = Runde.objects.select_related("unit").get(pk=job.params["runde"])
    progress(0, None, _("Beregner, prikker og kontrollerer tabellene"))
    try:
        services.change_state(runde, State.PUBLISHED, user=job.user,
                              reason=job.params.get("reason", ""), request=request)
    except services.KartleggingError as exc:
        raise jobs.JobFailed(str(exc)) from None
    return jobs.Outcome(message=_("Runden har nå status «%(state)s».")
                        % {"state": State.PUBLISHED.label}, url=runde.get_absolute_url())
