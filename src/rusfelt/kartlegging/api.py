"""JSON API of kartlegging: a unit's published trend with breaks and gaps.

``GET /api/kartlegging/runde/<code>/utvikling/`` (signed in, any role on the
round's unit): the published, suppressed key measures per year from the first
round to the last, with SSB's symbols (``|`` break, ``..`` not mapped,
``:`` suppressed) and the reason for each break and gap.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from rusfelt.core.domain.serier import BREAK_SYMBOL, MISSING

from . import presentation
from .models import State
from .views import ANY_ROLE, load_round


def _plain(value):
    return str(value) if value is not None else None


@require_GET
@login_required
def trend(request, code):
    runde = load_round(request, code, ANY_ROLE)
    if runde.state != State.PUBLISHED:
        raise Http404
    rows = presentation.trend(runde, published=True)
    keys = ["n", "rate", *[k for k, _l, _p in presentation.MEASURES]]
    return JsonResponse({
        "runde": runde.code,
        "enhet": runde.unit.code,
        "tegn": {BREAK_SYMBOL: "brudd i serien", MISSING: "ikke kartlagt/publisert",
                 ":": "prikket"},
        "ar": [
            {
                "ar": row["year"], "etikett": row["label"],
                "symbol": MISSING if row["missing"] else (BREAK_SYMBOL if row["breaks"] else ""),
                "brudd": row["breaks"], "mangler_arsak": row.get("reason", ""),
                "segment": row["segment"],
                "verdier": {k: (MISSING if row["missing"] else _plain(row.get(k))) for k in keys},
            }
            for row in rows
        ],
    }, json_dumps_params={"ensure_ascii": False})
