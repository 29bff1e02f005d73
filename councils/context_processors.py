from councils.access import council_of


def current_council(request):
    user = getattr(request, "user", None)
    return {"current_council": council_of(user) if user is not None else None}
