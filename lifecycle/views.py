"""Staff pages of the checklist: a program's tasks, the week's tasks, the templates and the prepared messages."""

import zoneinfo

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import record
from councils.access import council_admin_required, get_for_council, staff_required
from lifecycle import queries, services
from lifecycle.enums import TaskMessage
from lifecycle.forms import NoteForm, TaskForm, TemplateTaskFormSet
from lifecycle.models import ProgramTask
from lifecycle.prepared_messages import drafts_for, send_prepared_message
from programs.enums import ProgramType
from programs.models import Program


def _program(request, program_id):
    return get_for_council(Program.objects.select_related("council"), request.council, pk=program_id)


def _task(request, task_id):
    return get_for_council(
        ProgramTask.objects.select_related("program"), request.council, council_lookup="program__council", pk=task_id
    )


def _today(request):
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(request.council.time_zone))


@staff_required
def due(request):
    today = _today(request)
    tasks = queries.tasks_due_this_week(request.council, today)
    return render(
        request, "lifecycle/due.html", {"due_tasks": tasks, "today": today, "week_ends": queries.end_of_week(today)}
    )


@staff_required
def checklist(request, program_id):
    program = _program(request, program_id)
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            task = services.add_task(
                program=program, title=form.cleaned_data["title"], due_date=form.cleaned_data["due_date"]
            )
            record(request=request, action="add checklist task", obj=task, details={"program": program.pk})
        messages.success(request, _("The task is added."))
        return redirect("lifecycle:checklist", program_id=program.pk)
    return render(
        request,
        "lifecycle/checklist.html",
        {"program": program, "tasks": queries.checklist(program), "form": form, "today": _today(request)},
    )


@staff_required
@require_POST
def complete(request, task_id):
    task = _task(request, task_id)
    with transaction.atomic():
        if services.complete_task(task=task, user=request.user):
            record(request=request, action="complete checklist task", obj=task, details={"program": task.program_id})
    return redirect("lifecycle:checklist", program_id=task.program_id)


@staff_required
@require_POST
def reopen(request, task_id):
    task = _task(request, task_id)
    with transaction.atomic():
        if services.reopen_task(task=task):
            record(request=request, action="reopen checklist task", obj=task, details={"program": task.program_id})
    return redirect("lifecycle:checklist", program_id=task.program_id)


@staff_required
def prepared_message(request, program_id, message):
    """The message behind a task: every recipient, a preview of the first, and one button that queues them all."""
    program = _program(request, program_id)
    try:
        message = TaskMessage(message)
    except ValueError:
        raise Http404 from None
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            count = send_prepared_message(
                program=program, message=message, user=request.user, note=form.cleaned_data["note"]
            )
            record(
                request=request,
                action="send prepared message",
                obj=program,
                details={"message": str(message), "queued": count},
            )
        messages.success(request, _("%(count)s messages are queued.") % {"count": count})
        return redirect("lifecycle:checklist", program_id=program.pk)
    drafts = drafts_for(program, message)
    preview = drafts[0].render() if drafts else None
    return render(
        request,
        "lifecycle/prepared_message.html",
        {"program": program, "message": message, "drafts": drafts, "preview": preview, "form": form},
    )


@council_admin_required
def templates(request):
    return render(
        request,
        "lifecycle/templates.html",
        {"templates": queries.templates_for_council(request.council), "program_types": ProgramType.choices},
    )


@council_admin_required
def edit_template(request, program_type):
    try:
        program_type = ProgramType(program_type)
    except ValueError:
        raise Http404 from None
    template = services.template_for(council=request.council, program_type=program_type)
    formset = TemplateTaskFormSet(request.POST or None, instance=template)
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            services.save_template(formset=formset)
            record(
                request=request,
                action="edit checklist template",
                obj=formset.instance,
                details={"program_type": str(program_type)},
            )
        messages.success(request, _("The checklist is saved; running programs follow it."))
        return redirect("lifecycle:templates")
    return render(request, "lifecycle/template_edit.html", {"template": template, "formset": formset})
