"""A sign-in (password or identity provider) counts as proving who one is."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import policy


@receiver(user_logged_in)
def remember_authentication_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        policy.mark_authenticated(request)
        request.session[policy.LAST_SEEN] = policy.now()
        # request.user is not always the new user yet (Client.force_login).
        request.session[policy.STEP] = policy.required_step(user)
