"""Views of kartlegging: thin, each one scope, form, service, response.

SECURITY: every round is loaded through ``load_round()``, which uses the
scoped queryset (another municipality's round: 404; wrong role: 403).
"""

from rusfelt.core.roles import Role
from rusfelt.core.scoping import get_for_user_or_404

from ..models import Runde

ANY_ROLE = [Role.PLANLEGGER, Role.KARTLEGGER, Role.LESER, Role.PERSONVERNOMBUD]


def load_round(request, code, roles, related=("unit",), **annotations):
    """SECURITY APPLIED HERE: the round ``code`` if the user holds one of ``roles`` on it
    (with ``related`` and ``annotations`` loaded in the same query)."""
    rounds = Runde.objects.select_related(*related)
    if annotations:
        rounds = rounds.annotate(**annotations)
    return get_for_user_or_404(rounds, request.user, roles=roles, code=code)
