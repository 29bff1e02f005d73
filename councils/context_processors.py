from django.utils.functional import SimpleLazyObject

from councils.access import council_of


def current_council(request):
    """The signed-in staff member's council, looked up only by templates that show it (visitor pages do not)."""
    user = getattr(request, "user", None)
    return {"current_council": SimpleLazyObject(lambda: council_of(user) if user is not None else None)}
