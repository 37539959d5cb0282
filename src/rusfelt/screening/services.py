"""What the self-test needs from the rest of Rusfelt: places to choose and
help to show. Nothing here writes: the self-test stores nothing.
"""

from datetime import datetime

from rusfelt.core.models import Niva, OrgUnit
from rusfelt.tjenester import services as tjenester
from rusfelt.tjenester.models import Category

from .domain.scoring import Kategori

#: The directory categories offered after each result, most relevant first.
#: Our own choice (issue #16: "the directory's matching services").
HELP_CATEGORIES: dict[Kategori, tuple[str, ...]] = {
    Kategori.LAV_RISIKO: (Category.RAD, Category.FOREBYGGING, Category.LAVTERSKEL),
    Kategori.UNDER_GRENSE: (Category.RAD, Category.FOREBYGGING, Category.LAVTERSKEL),
    Kategori.INGEN_INDIKASJON: (Category.RAD, Category.FOREBYGGING, Category.LAVTERSKEL),
    Kategori.OKT_RISIKO: (Category.LAVTERSKEL, Category.RAD, Category.HELSE,
                          Category.OPPFOLGING, Category.BEHANDLING),
    Kategori.OVER_GRENSE: (Category.LAVTERSKEL, Category.RAD, Category.HELSE,
                           Category.OPPFOLGING, Category.BEHANDLING),
    Kategori.SANNSYNLIG_PROBLEM: (Category.LAVTERSKEL, Category.RAD, Category.HELSE,
                                  Category.OPPFOLGING, Category.BEHANDLING),
    Kategori.HOY_RISIKO: (Category.BEHANDLING, Category.AKUTT, Category.LAVTERSKEL,
                          Category.HELSE, Category.OPPFOLGING),
    Kategori.SANNSYNLIG_AVHENGIGHET: (Category.BEHANDLING, Category.AKUTT, Category.LAVTERSKEL,
                                      Category.HELSE, Category.OPPFOLGING),
}
HELP_LIMIT = 8


def places():
    """Kommuner and bydeler a person can choose, in tree order (valid today)."""
    return (
        OrgUnit.objects.filter(level__in=[Niva.KOMMUNE, Niva.BYDEL])
        .order_by("path")
        .only("code", "name", "level", "path")
    )


def place(code: str) -> OrgUnit | None:
    if not code:
        return None
    return OrgUnit.objects.filter(code=code, level__in=[Niva.KOMMUNE, Niva.BYDEL]).first()


def help_for(kategori: Kategori, sted: str, at: datetime | None = None):
    """Published services for ``sted`` in the result's categories, open now first.

    Uses the directory's own search (``tjenester.services``): the same place
    rule (a kommune's services serve its bydeler) and the same "open now" SQL.
    Returns (listings, open_ids).
    """
    at = at or tjenester.now_local()
    if not sted:
        return [], set()
    filters = tjenester.Filters(sted=sted, rolle="bruker")
    qs = tjenester.filtered(filters).filter(category__in=HELP_CATEGORIES[kategori])
    ids = list(qs.values_list("pk", flat=True))
    open_ids = set(tjenester.open_now_ids(qs, at))
    rank = {c: i for i, c in enumerate(HELP_CATEGORIES[kategori])}
    objects = tjenester.load(ids)
    objects.sort(key=lambda o: (o.pk not in open_ids, rank.get(o.category, 99), o.name))
    return tjenester.listings(objects[:HELP_LIMIT], at), open_ids
