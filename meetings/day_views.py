"""The escort's day-of page: now and next in the stop's local time, whom to call, and "running late"."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from audit.services import record
from councils.access import get_for_council, staff_required
from meetings import day_of
from meetings.forms import RunningLateForm
from programs.models import Program


def _program(request, program_id):
    return get_for_council(Program.objects.select_related("council"), request.council, pk=program_id)


def _page(request, program, *, now, form=None, status=200):
    day = day_of.escort_day(program, now=now)
    if form is None:
        form = RunningLateForm(initial={"shown": day_of.sign_shown(day.to_come)})
    context = {"program": program, "day": day, "now": now, "late_form": form}
    return render(request, "meetings/today.html", context, status=status)


@staff_required
@require_GET
def today(request, program_id):
    return _page(request, _program(request, program_id), now=timezone.now())


@staff_required
@require_POST
def running_late(request, program_id):
    program = _program(request, program_id)
    now = timezone.now()
    form = RunningLateForm(request.POST)
    if not form.is_valid():
        return _page(request, program, now=now, form=form, status=400)
    minutes = form.cleaned_data["minutes"]
    with transaction.atomic():
        moved = day_of.run_late(
            program=program,
            minutes=minutes,
            actor=request.user,
            now=now,
            shown=day_of.read_shown(form.cleaned_data["shown"]),
        )
        record(
            request=request,
            action="report running late",
            obj=program,
            details={"minutes": minutes, "items": [item.pk for item in moved]},
        )
    if moved:
        messages.success(
            request,
            ngettext(
                "%(count)s item moved %(minutes)s minutes later. Everyone a confirmed item concerns will be told.",
                "%(count)s items moved %(minutes)s minutes later. Everyone a confirmed item concerns will be told.",
                len(moved),
            )
            % {"count": len(moved), "minutes": minutes},
        )
    else:
        messages.info(
            request, _("Nothing was moved: no item of today is still to come, or someone else moved them already.")
        )
    return redirect("meetings:today", program_id=program.pk)
