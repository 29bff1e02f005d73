import zoneinfo

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.services import record
from councils.access import get_for_council, staff_required
from exchange.page_cache import cached_page, page_key
from journeys.access import agency_staff_to_their_home
from journeys.queries import invitations_for_council
from lifecycle.queries import tasks_due_this_week
from programs import participants as delegation
from programs import services
from programs.forms import ParticipantForm, ProgramForm, SearchForm, StopFormSet, time_zone_names
from programs.models import Participant, Program
from programs.queries import dashboard, program_for_workspace


@agency_staff_to_their_home
@staff_required
def home(request):
    # "Today" and "this week" are the council's, wherever the server runs.
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(request.council.time_zone))
    key = page_key(
        "dashboard",
        request.council.pk,
        request.council.data_version,
        request.user.pk,
        today,
        request.GET.urlencode(),
        translation.get_language(),
    )

    def render_page():
        form = SearchForm(request.GET or None)
        search = form.cleaned_data["q"].strip() if form.is_valid() else ""
        context = {
            "form": form,
            "board": dashboard(request.council, today=today, search=search),
            "search": search,
            "due_tasks": tasks_due_this_week(request.council, today),
            "invitations": invitations_for_council(request.council),
        }
        return render(request, "programs/home.html", context)

    return cached_page(request, key, render_page)


def _edit(request, *, program=None):
    data = request.POST if request.method == "POST" else None
    program_form = ProgramForm(data, instance=program, council=request.council)
    stop_formset = StopFormSet(data, instance=program or Program(), program_form=program_form, prefix="stops")
    if request.method == "POST" and program_form.is_valid() and stop_formset.is_valid():
        with transaction.atomic():
            saved = services.save_program(
                council=request.council, program_form=program_form, stop_formset=stop_formset, user=request.user
            )
            record(request=request, action="edit program" if program else "create program", obj=saved)
        messages.success(request, _("“%(title)s” is saved.") % {"title": saved.title})
        return redirect("programs:program", program_id=saved.pk)
    context = {
        "program": program,
        "form": program_form,
        "stop_formset": stop_formset,
        "time_zones": time_zone_names(),
    }
    return render(request, "programs/program_form.html", context)


@staff_required
def program_new(request):
    return _edit(request)


@staff_required
def program_edit(request, program_id):
    return _edit(request, program=get_for_council(Program.objects, request.council, pk=program_id))


@staff_required
def program_detail(request, program_id):
    program = program_for_workspace(get_for_council(Program.objects, request.council, pk=program_id))
    return render(request, "programs/program_detail.html", {"program": program})


# The delegation: staff add, edit and remove the program's participants (the admin only shows them).


def _program(request, program_id):
    return get_for_council(Program.objects, request.council, pk=program_id)


def _participant(request, program_id, person_id):
    """The participant of this program of the council; 404 for another program's or council's."""
    return get_for_council(
        Participant.objects.select_related("program"),
        request.council,
        council_lookup="program__council",
        program_id=program_id,
        pk=person_id,
    )


@staff_required
def participant_list(request, program_id):
    program = _program(request, program_id)
    participants = Participant.objects.filter(program=program).order_by("last_name", "first_name", "pk")
    return render(request, "programs/participant_list.html", {"program": program, "participants": participants})


def _participant_form_page(request, program, participant):
    creating = participant.pk is None
    name = participant.full_name  # as saved: the form writes what was typed into the instance as it validates
    form = ParticipantForm(request.POST or None, instance=participant, program=program)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = delegation.save_participant(program=program, form=form)
            record(
                request=request,
                action="create participant" if creating else "edit participant",
                obj=saved,
                details={"program": program.pk, "fields": form.changed_data},
            )
        messages.success(request, _("%(name)s is saved.") % {"name": saved.full_name})
        return redirect("programs:participants", program_id=program.pk)
    return render(
        request,
        "programs/participant_form.html",
        {"program": program, "participant": participant, "name": name, "form": form},
    )


@staff_required
def participant_new(request, program_id):
    program = _program(request, program_id)
    return _participant_form_page(request, program, Participant(program=program))


@staff_required
def participant_edit(request, program_id, person_id):
    participant = _participant(request, program_id, person_id)
    return _participant_form_page(request, participant.program, participant)


@staff_required
def participant_remove(request, program_id, person_id):
    """GET: what removing the participant takes with it (or what stops it); POST: remove them."""
    participant = _participant(request, program_id, person_id)
    program = participant.program
    if request.method == "POST":
        name = participant.full_name
        try:
            with transaction.atomic():
                summary = delegation.remove_participant(participant=participant, user=request.user)
                record(
                    request=request,
                    action="remove participant",
                    obj=participant,
                    details={"program": program.pk, **summary},
                )
        except Participant.DoesNotExist:
            raise Http404 from None  # removed by someone else meanwhile
        except delegation.ParticipantIsProtected as refusal:
            messages.error(
                request,
                _("%(name)s cannot be removed: records that must be kept refer to them (%(records)s).")
                % {"name": name, "records": ", ".join(f"{b.kind}: {b.count}" for b in refusal.blockers)},
            )
            return redirect("programs:participant_remove", program_id=program.pk, person_id=participant.pk)
        messages.success(request, _("%(name)s is removed from the delegation.") % {"name": name})
        return redirect("programs:participants", program_id=program.pk)
    return render(
        request,
        "programs/participant_remove.html",
        {"program": program, "participant": participant, "removal": delegation.removal_of(participant)},
    )
