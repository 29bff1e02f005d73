from django.http import Http404

from programs.links import resolve_token


def today(request, token):
    holder = resolve_token(token)
    if holder is None:
        raise Http404
    raise Http404  # the visitor pages are built in this app
