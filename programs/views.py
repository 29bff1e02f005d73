import zoneinfo

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.services import record
from councils.access import get_for_council, staff_required
from exchange.page_cache import cached_page, page_key
from lifecycle.queries import tasks_due_this_week
from programs import services
from programs.forms import ProgramForm, SearchForm, StopFormSet, time_zone_names
from programs.models import Program
from programs.queries import dashboard, program_for_workspace


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
        }
        return render(request, "programs/home.html", context)

    return cached_page(request, key, render_page)


def _edit(request, *, program=None):
    data = request.POST if request.method == "POST" else None
    program_form = ProgramForm(data, instance=program, council=request.council)
    stop_formset = StopFormSet(data, instance=program or Program(), program_form=program_form, prefix="stops")
    if request.method == "POST" and program_form.is_valid() and stop_formset.is_valid():
        with transaction.atomic():
            saved = services.save_program(council=request.council, program_form=program_form, stop_formset=stop_formset)
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
