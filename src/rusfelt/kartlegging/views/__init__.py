"""Views of kartlegging: thin, each one scope, form, service, response.

SECURITY: every round is loaded through ``load_round()``, which uses the
scoped queryset (another municipality's round: 404; wrong role: 403).
"""

from rusfelt.core.roles import Role
from rusfelt.core.scoping import get_for_user_or_404

from ..models import Runde

ANY_ROLE = [Role.PLANLEGGER, Role.KARTLEGGER, Role.LESER, Role.PERSONVERNOMBUD]


def load_round(request, code, roles, related=("unit",)):
    """SECURITY APPLIED HERE: the round ``code`` if the user holds one of ``roles`` on it
    (with ``related`` loaded in the same query)."""
    return get_for_user_or_404(Runde.objects.select_related(*related), request.user,
                               roles=roles, code=code)
