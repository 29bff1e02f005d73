"""Signing staff in: Django's model backend, reading the user's council with the user."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class StaffBackend(ModelBackend):
    """Who is asking, read from the database on every request: the user with their membership and council in one
    indexed query (every staff page asks for the council, and the council's data version keys its cached pages).
    Agency staff have an agency membership instead, read in the same query."""

    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.select_related("membership__council", "agency_membership__agency")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
