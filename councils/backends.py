"""Signing staff in: Django's model backend, reading the user's council with the user."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from councils.read_through import get_with_related_cached


def _council(user):
    membership = getattr(user, "membership", None)
    return membership.council if membership else None


class StaffBackend(ModelBackend):
    """Every staff page asks for the council of the signed-in user: it comes in the same query as the user."""

    def get_user(self, user_id):
        user = get_with_related_cached(get_user_model(), user_id, "membership", "council", council_of=_council)
        return user if user is not None and self.user_can_authenticate(user) else None
