"""The agency's pages: its national programs, a new program with its route and travellers, and the whole journey
with every council's progress (read-only: the agency never edits a council's items)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from journeys import services
from journeys.access import agency_required, national_program_for_agency
from journeys.forms import NationalProgramForm, SegmentFormSet, TravellerForm
from journeys.models import NationalProgram, Traveller
from journeys.queries import journey, national_programs_for_agency
from programs.forms import time_zone_names


@agency_required
def home(request):
    programs = national_programs_for_agency(request.agency)
    return render(request, "journeys/agency/home.html", {"national_programs": programs})


@agency_required
def program_new(request):
    data = request.POST if request.method == "POST" else None
    form = NationalProgramForm(data)
    segment_formset = SegmentFormSet(data, instance=NationalProgram(), program_form=form, prefix="segments")
    if request.method == "POST" and form.is_valid() and segment_formset.is_valid():
        national_program = services.create_national_program(
            agency=request.agency, form=form, segment_formset=segment_formset, user=request.user
        )
        messages.success(
            request,
            _("“%(title)s” is saved and its councils are invited.") % {"title": national_program.title},
        )
        return redirect("agency:program", national_program_id=national_program.pk)
    context = {"form": form, "segment_formset": segment_formset, "time_zones": time_zone_names()}
    return render(request, "journeys/agency/program_form.html", context)


@agency_required
def program(request, national_program_id):
    national_program = national_program_for_agency(request.agency, national_program_id)
    context = {"national_program": national_program, "journey": journey(national_program, for_agency=True)}
    return render(request, "journeys/agency/program.html", context)


@agency_required
def traveller_new(request, national_program_id):
    national_program = national_program_for_agency(request.agency, national_program_id)
    form = TravellerForm(
        request.POST or None, instance=Traveller(national_program=national_program), national_program=national_program
    )
    if request.method == "POST" and form.is_valid():
        traveller = services.add_traveller(national_program=national_program, form=form)
        messages.success(request, _("%(name)s is added to the travellers.") % {"name": traveller.full_name})
        if "add_another" in request.POST:
            return redirect("agency:traveller_new", national_program_id=national_program.pk)
        return redirect("agency:program", national_program_id=national_program.pk)
    return render(request, "journeys/agency/traveller_form.html", {"national_program": national_program, "form": form})
