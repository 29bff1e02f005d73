"""Staff actions on personal links: see who has one, email it, revoke it, re-issue it. Each action is written to
the audit log in the same transaction."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import record
from councils.access import get_for_council, staff_required
from programs.links import personal_link_url
from programs.models import Participant, Program, ProgramStaffMember
from visitors import services
from visitors.staff_queries import link_holders

# The kinds of link holder in staff URLs.
HOLDERS = {"participant": Participant, "staff": ProgramStaffMember}


def _holder_for_council(request, kind, pk):
    """The participant or program staff member, if they belong to a program of the requester's council (404)."""
    model = HOLDERS.get(kind)
    if model is None:
        raise Http404
    queryset = model.objects.select_related("program", "program__council")
    return get_for_council(queryset, request.council, council_lookup="program__council", pk=pk)


@staff_required
def program_links(request, program_id):
    program = get_for_council(Program.objects.all(), request.council, pk=program_id)
    participants, program_staff = link_holders(program)
    rows = [("participant", person, personal_link_url(person)) for person in participants]
    rows += [("staff", person, personal_link_url(person)) for person in program_staff]
    return render(request, "visitors/staff/program_links.html", {"program": program, "rows": rows})


@staff_required
@require_POST
def email_link(request, kind, pk):
    holder = _holder_for_council(request, kind, pk)
    try:
        with transaction.atomic():
            services.email_personal_link(holder=holder)
            record(request=request, action="email personal link", obj=holder)
    except services.LinkNotSendable as reason:
        messages.error(request, str(reason))
    else:
        messages.success(request, _("The link is on its way to %(name)s.") % {"name": services.holder_name(holder)})
    return redirect("links:program", program_id=holder.program_id)


@staff_required
@require_POST
def revoke_link(request, kind, pk):
    holder = _holder_for_council(request, kind, pk)
    with transaction.atomic():
        services.revoke_personal_link(holder=holder)
        record(request=request, action="revoke personal link", obj=holder)
    messages.success(request, _("The link of %(name)s no longer works.") % {"name": services.holder_name(holder)})
    return redirect("links:program", program_id=holder.program_id)


@staff_required
@require_POST
def reissue_link(request, kind, pk):
    holder = _holder_for_council(request, kind, pk)
    with transaction.atomic():
        services.reissue_personal_link(holder=holder)
        record(request=request, action="reissue personal link", obj=holder)
    messages.success(
        request,
        _("%(name)s has a new link; earlier links no longer work.") % {"name": services.holder_name(holder)},
    )
    return redirect("links:program", program_id=holder.program_id)
