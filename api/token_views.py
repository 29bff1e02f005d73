"""The council admin's page of API tokens: create (the secret shown once), see when each was last used, revoke."""

from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api.forms import TokenForm
from api.models import ApiToken
from api.services import issue_token, revoke_token
from councils.access import council_admin_required, get_for_council


@council_admin_required
def tokens(request):
    form = TokenForm(request.POST or None, council=request.council)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = issue_token(
                council=request.council,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                request=request,
            )
        except IntegrityError:
            # Two admins naming a token alike at the same moment: the second is told as the form would tell them.
            form.add_error("name", _("A token of this name is in use: choose another name."))
        else:
            messages.success(request, _("Token “%(name)s” is created.") % {"name": token.name})
            form = TokenForm(council=request.council)
    context = {
        "form": form,
        "secret": secret,
        "tokens": ApiToken.objects.filter(council=request.council).select_related("created_by"),
    }
    response = render(request, "api/tokens.html", context)
    if secret:
        # The secret is on this page only: no cache may keep a copy.
        response["Cache-Control"] = "no-store"
    return response


@council_admin_required
@require_POST
def token_revoke(request, api_token_id):
    token = get_for_council(ApiToken.objects.all(), request.council, pk=api_token_id)
    if revoke_token(token=token, request=request):
        messages.success(request, _("Token “%(name)s” is revoked: it opens nothing any more.") % {"name": token.name})
    else:
        messages.info(request, _("Token “%(name)s” was already revoked.") % {"name": token.name})
    return redirect("api:tokens")
