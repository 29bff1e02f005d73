import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import record
from councils.access import get_for_council, staff_required
from meetings import conflicts as conflict_rules
from meetings import copying
from meetings.copy_forms import CopyDayForm, CopyItemForm, CopyProgramForm
from meetings.models import ItineraryItem
from programs.models import Program


@staff_required
def copy_item(request, item_id):
    item = get_for_council(
        ItineraryItem.objects.select_related("program", "stop"), request.council, "program__council", pk=item_id
    )
    form = CopyItemForm(request.POST or None, item=item, initial={"starts_at": item.starts_at})
    if form.is_valid():
        try:
            with transaction.atomic():
                copy = copying.copy_item(item=item, starts_at=form.cleaned_data["starts_at"])
                record(
                    request=request,
                    action="copy item",
                    obj=copy,
                    details={"program": item.program_id, "copied_from": item.pk},
                )
        except ValidationError as error:
            form.add_error("starts_at", error)
        else:
            messages.success(request, _("The item is copied; the copy is an idea until you confirm it."))
            return redirect("meetings:item", item_id=copy.pk)
    with timezone.override(item.stop.time_zone):
        return render(request, "meetings/copy/item.html", {"item": item, "program": item.program, "form": form})


def _clashing(program, copies):
    """How many of the copies have a hard conflict (people in two places, a host double-booked...)."""
    found = conflict_rules.cached_conflicts_by_item(council=program.council, programs=[program])
    return sum(1 for copy in copies if conflict_rules.hard(found.get(copy.pk, [])))


@staff_required
def copy_day(request, program_id, day):
    program = get_for_council(Program.objects.select_related("council"), request.council, pk=program_id)
    try:
        day = dt.date.fromisoformat(day)
    except ValueError as error:
        raise Http404 from error
    form = CopyDayForm(request.POST or None, program=program, day=day)
    if form.is_valid():
        try:
            with transaction.atomic():
                copies = copying.copy_day(
                    program=program,
                    day=day,
                    to_day=form.cleaned_data["to_day"],
                    to_stop=form.cleaned_data["to_stop"],
                )
                record(
                    request=request,
                    action="copy day",
                    obj=program,
                    details={
                        "day": day.isoformat(),
                        "to_day": form.cleaned_data["to_day"].isoformat(),
                        "items": [copy.pk for copy in copies],
                    },
                )
        except ValidationError as error:
            form.add_error("to_day", error)
        else:
            count = len(copies)
            messages.success(
                request,
                ngettext("%(count)s item copied.", "%(count)s items copied.", count) % {"count": count},
            )
            clashing = _clashing(program, copies)
            if clashing:
                # Copies are ideas, saved whatever they clash with: staff resolve them on the agenda.
                messages.warning(
                    request,
                    ngettext(
                        "%(count)s copy clashes with the itinerary: it is marked ⚠ on the agenda.",
                        "%(count)s copies clash with the itinerary: they are marked ⚠ on the agenda.",
                        clashing,
                    )
                    % {"count": clashing},
                )
            return redirect("meetings:agenda", program_id=program.pk)
    context = {"program": program, "day": day, "items": copying.items_on_day(program, day), "form": form}
    return render(request, "meetings/copy/day.html", context)


@staff_required
def copy_program(request, program_id):
    program = get_for_council(Program.objects.select_related("sponsor"), request.council, pk=program_id)
    initial = {"title": program.title, "arrival_date": program.arrival_date}
    form = CopyProgramForm(request.POST or None, initial=initial)
    if form.is_valid():
        with transaction.atomic():
            copy = copying.copy_program(
                program=program,
                title=form.cleaned_data["title"],
                arrival_date=form.cleaned_data["arrival_date"],
                user=request.user,
            )
            record(request=request, action="copy program", obj=copy, details={"copied_from": program.pk})
        messages.success(request, _("The new program is a draft with the same itinerary, all items as ideas."))
        return redirect("programs:program", program_id=copy.pk)
    return render(request, "meetings/copy/program.html", {"program": program, "form": form})
