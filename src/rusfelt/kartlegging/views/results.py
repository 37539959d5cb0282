"""Results: the unit's own page, the published (suppressed) page and exports."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from rusfelt.core.dokumenter import render as render_document
from rusfelt.core.roles import Role
from rusfelt.core.scoping import has_role
from rusfelt.konto.decorators import recent_auth_required

from .. import documents, presentation, services
from ..models import State
from . import ANY_ROLE, load_round


@login_required
@never_cache
def results(request, code):
    """The owning unit's planners: full counts, comparisons and trends."""
    # With the version of what a published round's page shows (the key of its kept
    # body) in the same query; the comparison needs no unit above the round's own.
    runde = load_round(request, code, [Role.PLANLEGGER],
                       resultatstand=presentation.resultatstand())
    return render(request, "kartlegging/results.html", {
        "runde": runde, "body": presentation.results_body(runde),
    })


@login_required
def published(request, code):
    """Published, suppressed tables: what may leave the unit."""
    runde = load_round(request, code, ANY_ROLE)
    if runde.state != State.PUBLISHED:
        raise Http404
    data = services.published_results(runde)
    trend = presentation.trend(runde, published=True)
    return render(request, "kartlegging/published.html", {
        "runde": runde, "data": data, "tables": presentation.display_tables(data),
        "trend": trend, "trend_notes": presentation.trend_notes(trend), "published": True,
        "rate": presentation.fmt_rate(data.get("rate_per_1000")),
        "footnote": presentation.published_footnote(data),
    })


@login_required
def results_xlsx(request, code):
    runde = load_round(request, code, ANY_ROLE)
    if runde.state != State.PUBLISHED and not has_role(request.user, runde.unit,
                                                       Role.PLANLEGGER):
        raise Http404
    data = services.results_for_export(runde, fmt="xlsx", user=request.user, request=request)
    return render_document.response(documents.results_document(runde, data), "xlsx")


@login_required
@never_cache
@recent_auth_required
def records_csv(request, code):
    """The owning unit's pseudonymised record-level export; audited."""
    runde = load_round(request, code, [Role.PLANLEGGER])
    if runde.records_deleted_at:
        raise Http404
    content = services.export_records_csv(runde, user=request.user, request=request)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="kartlegging-{runde.code}-registreringer.csv"')
    return response
