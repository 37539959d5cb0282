"""A job handler that stores a unit inside its transaction and then hangs: for killing its worker.

Imported by the worker subprocess of ``test_worker_death``; not a test module.
"""

import time

from django.db import transaction

from rusfelt.core.models import OrgUnit
from rusfelt.drift import jobs


@jobs.handler("test.hang")
def hang(job, payload, progress, request):
    with transaction.atomic():
        OrgUnit.objects.create(code="9901", name="Halvferdig", level="kommune", path="/9901/")
        progress(1, 2, "Lagrer rader")
        time.sleep(600)
    return jobs.Outcome(message="never")
