from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from councils.access import get_for_council, staff_required
from directory import queries
from directory.forms import DirectorySearchForm
from directory.models import HostOrganization


@staff_required
def organization_list(request):
    form = DirectorySearchForm(request.GET or None)
    search = form.cleaned_data["q"].strip() if form.is_valid() else ""
    organizations = queries.organizations_for_council(request.council, search=search)
    page = Paginator(organizations, 50).get_page(request.GET.get("page"))
    return render(request, "directory/list.html", {"form": form, "page": page, "search": search})


@staff_required
def organization(request, organization_id):
    organization = get_for_council(HostOrganization.objects, request.council, pk=organization_id)
    now = timezone.now()
    meetings = list(queries.meetings_with(organization))
    context = {
        "organization": organization,
        "contacts": queries.contacts_of(organization),
        "future_meetings": [item for item in reversed(meetings) if item.ends_at >= now],
        "past_meetings": [item for item in meetings if item.ends_at < now],
    }
    return render(request, "directory/organization.html", context)
