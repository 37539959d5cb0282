import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    """Cached tables are keyed by round and publishing time; tests reuse both. The
    results pages' bodies kept in this process (``presentation.KEPT_BODY_CACHE``) too."""
    from django.core.cache import cache, caches

    from rusfelt.kartlegging.presentation import KEPT_BODY_CACHE

    cache.clear()
    caches[KEPT_BODY_CACHE].clear()
    yield
    cache.clear()
    caches[KEPT_BODY_CACHE].clear()


@pytest.fixture
def testkommune(units):
    """A kommune with three bydeler (9901, 990101-990103)."""
    from rusfelt.core import services as core_services
    from rusfelt.core.models import OrgUnit

    csv = ("kode,navn,niva,overordnet,gyldig_fra,gyldig_til\n"
           "9901,Testkommune,kommune,03,,\n"
           "990101,Nord,bydel,9901,,\n990102,Midt,bydel,9901,,\n990103,Sør,bydel,9901,,\n")
    core_services.import_units(csv.encode(), "enheter.csv")
    return {u.code: u for u in OrgUnit.objects.filter(code__startswith="9901")}
