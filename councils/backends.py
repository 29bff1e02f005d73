"""Signing staff in: Django's model backend, reading the user's council with the user."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class StaffBackend(ModelBackend):
    """Every staff page asks for the council of the signed-in user: it comes in the same query as the user."""

    def get_user(self, user_id):
        try:
            user = get_user_model()._default_manager.select_related("membership__council").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
