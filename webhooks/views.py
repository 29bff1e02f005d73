"""Council admins' pages for their webhook endpoints. The secret is shown once, on the page after it was made."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from councils.access import council_admin_required, get_for_council
from webhooks import queries, services, signing
from webhooks.forms import EndpointForm

# The session key under which a new secret waits for the one page that shows it.
_SHOWN_SECRET = "webhook-secret-{}"


def _show_secret_once(request, endpoint, secret):
    request.session[_SHOWN_SECRET.format(endpoint.pk)] = secret


@council_admin_required
def endpoints(request):
    return render(request, "webhooks/endpoints.html", {"endpoints": queries.council_endpoints(request.council)})


@council_admin_required
def new(request):
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint, secret = services.create_endpoint(form=form, council=request.council, request=request)
        _show_secret_once(request, endpoint, secret)
        messages.success(request, _("The endpoint is saved. Copy its secret now: it is not shown again."))
        return redirect("webhooks:endpoint", endpoint_id=endpoint.pk)
    return render(request, "webhooks/endpoint_form.html", {"form": form})


@never_cache
@council_admin_required
def endpoint(request, endpoint_id):
    endpoint = get_for_council(queries.council_endpoints(request.council), request.council, pk=endpoint_id)
    form = EndpointForm(request.POST or None, instance=endpoint)
    if request.method == "POST" and form.is_valid():
        services.update_endpoint(form=form, request=request)
        messages.success(request, _("The endpoint is saved."))
        return redirect("webhooks:endpoint", endpoint_id=endpoint.pk)
    context = {
        "endpoint": endpoint,
        "form": form,
        "secret": request.session.pop(_SHOWN_SECRET.format(endpoint.pk), None),
        "signature_header": signing.SIGNATURE_HEADER,
        "event_id_header": signing.EVENT_ID_HEADER,
        "event_type_header": signing.EVENT_TYPE_HEADER,
    }
    return render(request, "webhooks/endpoint.html", context)


@council_admin_required
@require_POST
def rotate(request, endpoint_id):
    endpoint = get_for_council(queries.council_endpoints(request.council), request.council, pk=endpoint_id)
    secret = services.rotate_secret(endpoint=endpoint, request=request)
    _show_secret_once(request, endpoint, secret)
    messages.success(request, _("A new secret replaces the old one. Copy it now: it is not shown again."))
    return redirect("webhooks:endpoint", endpoint_id=endpoint.pk)


@council_admin_required
@require_POST
def delete(request, endpoint_id):
    endpoint = get_for_council(queries.council_endpoints(request.council), request.council, pk=endpoint_id)
    services.delete_endpoint(endpoint=endpoint, request=request)
    messages.success(request, _("The endpoint is deleted; nothing more is sent to it."))
    return redirect("webhooks:endpoints")
