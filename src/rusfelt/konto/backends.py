"""The sign-in backend: Django's ModelBackend, reading the signed-in user cheaply.

Every signed-in request reads its user (``django.contrib.auth.get_user``). Built
through the ORM for each request, that one-row query took longer to compile than
to run (issue 12), so ``ModelBackend.get_user`` reads it by SQL the ORM writes
once per process and database engine (``core.rows``), as the indikatorer sets
are read. Passwords and permissions are Django's own.

A session names the backend that signed it in (``BACKEND_SESSION_KEY``).
Sessions signed in before this backend name Django's (``LEGACY_PATH``), which
AUTHENTICATION_BACKENDS no longer lists: ``middleware.BackendPathMiddleware``
renames them to ``PATH`` on their next request, so nobody is signed out by the
change.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from rusfelt.core.rows import row_by_key

#: This backend, as AUTHENTICATION_BACKENDS and the sessions name it.
PATH = "rusfelt.konto.backends.ModelBackend"
#: The backend that sessions signed in before this one name.
LEGACY_PATH = "django.contrib.auth.backends.ModelBackend"


class ModelBackend(DjangoModelBackend):
    """Django's ModelBackend whose ``get_user`` reads the user by SQL written once.

    The same row as ``UserModel._default_manager.get(pk=user_id)``, each field
    converted as the ORM converts it, and the same rule for inactive users
    (``user_can_authenticate``): a deactivated user is signed out on their next
    request, and ``get_user``'s caller still checks the session's password hash.
    """

    def get_user(self, user_id):
        model = get_user_model()
        user = row_by_key(model, model._default_manager.db, pk=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
