"""A job's status page (htmx polls it; a refresh shows the same) and /helse/."""

import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from . import jobs
from .models import Job, JobState


@login_required
@never_cache
def job_detail(request, pk):
    jobs_of_user = Job.objects.for_user(request.user).defer("payload", "result_file")
    job = get_object_or_404(jobs_of_user, pk=pk)
    if job.state == JobState.RUNNING and jobs.reap_stale():
        # Its worker had died: show the job as it now ended, not as running for ever.
        job = get_object_or_404(jobs_of_user, pk=pk)
    template = "drift/_job_status.html" if request.headers.get("HX-Request") else "drift/job.html"
    return render(request, template, {"job": job})


@login_required
@never_cache
def job_result(request, pk):
    """The document a job produced, for the user who started it."""
    job = get_object_or_404(Job.objects.for_user(request.user), pk=pk, state=JobState.DONE)
    if job.result_file is None:
        raise Http404
    response = HttpResponse(bytes(job.result_file), content_type=job.result_type)
    response["Content-Disposition"] = f'attachment; filename="{job.result_name}"'
    return response


@never_cache
def health(request):
    """For load balancers: 200 with the state of the database and the job queue, else 503."""
    started = time.monotonic()
    body = {"status": "ok", "database": {"vendor": connection.vendor}}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body["database"]["ok"] = True
        waiting = Job.objects.filter(state=JobState.WAITING)
        oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
        body["jobs"] = {
            "waiting": waiting.count(),
            "running": Job.objects.filter(state=JobState.RUNNING).count(),
            # Running, but their worker stopped writing heartbeats.
            "stale": Job.objects.stale(timezone.now() - timedelta(
                seconds=settings.RUSFELT_JOB_STALE_AFTER)).count(),
            "oldest_waiting_seconds": (
                round((timezone.now() - oldest).total_seconds()) if oldest else None),
        }
    except DatabaseError:
        body["status"] = "error"
        body["database"]["ok"] = False
        return JsonResponse(body, status=503)
    body["ms"] = round(1000 * (time.monotonic() - started), 1)
    return JsonResponse(body)
