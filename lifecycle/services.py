"""The rhythm of a program: its checklist follows the program's type and dates."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from councils.changes import note_change
from lifecycle.enums import TaskAnchor
from lifecycle.models import ChecklistTemplate, Feedback, ProgramTask, TemplateTask
from programs.enums import ProgramStatus
from programs.models import Program


def due_date_for(template_task, program):
    """The day a template task falls due for ``program``; None while its anchor date is unknown."""
    anchor_date = {
        TaskAnchor.ACCEPTANCE: program.accepted_on,
        TaskAnchor.ARRIVAL: program.arrival_date,
        TaskAnchor.DEPARTURE: program.departure_date,
    }[template_task.anchor]
    if anchor_date is None:
        return None
    return anchor_date + dt.timedelta(days=template_task.offset_days)


def _applies(template_task, program):
    return program.has_home_hospitality or not template_task.only_with_home_hospitality


@transaction.atomic
def sync_checklist(program):
    """Give ``program`` the tasks of its type's checklist, or move their due dates after its dates changed.

    Called by whatever creates or edits a program (staff pages, the admin, copying a program).

    1. Template tasks that apply (home-hospitality ones only when the program has it) and that the program does not
       have yet are added.
    2. Open template-derived tasks get their due dates recomputed from the program's current dates.
    3. Open tasks whose template task no longer applies (home hospitality dropped) are removed.
    Done tasks and the tasks staff added themselves are never touched.
    """
    template_tasks = list(
        TemplateTask.objects.filter(
            template__council_id=program.council_id, template__program_type=program.program_type
        )
    )
    existing = {
        task.template_task_id: task
        for task in ProgramTask.objects.filter(program=program, template_task__isnull=False).select_for_update()
    }
    to_create, to_update, to_delete = [], [], []
    for template_task in template_tasks:
        task = existing.pop(template_task.pk, None)
        applies = _applies(template_task, program)
        due = due_date_for(template_task, program)
        if task is None:
            if applies:
                to_create.append(
                    ProgramTask(
                        program=program,
                        template_task=template_task,
                        title=template_task.title,
                        message=template_task.message,
                        due_date=due,
                    )
                )
        elif not task.is_done:
            if not applies:
                to_delete.append(task.pk)
            elif task.due_date != due:
                task.due_date = due
                to_update.append(task)
    # Tasks of template tasks now in another type's template (the program changed type) go too, if still open.
    to_delete.extend(task.pk for task in existing.values() if not task.is_done)
    ProgramTask.objects.bulk_create(to_create, ignore_conflicts=True)
    ProgramTask.objects.bulk_update(to_update, ["due_date"])
    if to_create or to_update:
        note_change(program.council_id)
    ProgramTask.objects.filter(pk__in=to_delete).delete()


@transaction.atomic
def save_template(*, formset):
    """Save a council admin's edit of a checklist template; running programs follow it.

    Open tasks of deleted template tasks go with them (done ones stay, as a record of what was done).
    """
    if formset.instance.pk is None:
        formset.instance.save()  # the council's first template of this program type
    deleted = [form.instance.pk for form in formset.deleted_forms if form.instance.pk]
    ProgramTask.objects.filter(template_task_id__in=deleted, done_at__isnull=True).delete()
    formset.save()
    sync_programs_of_template(formset.instance)


def sync_programs_of_template(template):
    """After a council admin edits a template: the council's running programs of that type follow it."""
    programs = Program.objects.filter(council_id=template.council_id, program_type=template.program_type).exclude(
        status__in=[ProgramStatus.COMPLETED, ProgramStatus.CANCELLED]
    )
    for program in programs:
        sync_checklist(program)


def complete_task(*, task, user, now=None):
    """Tick a task off; ticking an already done task changes nothing (first tick wins)."""
    done = ProgramTask.objects.filter(pk=task.pk, done_at__isnull=True).update(
        done_at=now or timezone.now(), done_by=user
    )
    if done:
        note_change(task.program.council_id)
    return done == 1


def reopen_task(*, task):
    reopened = ProgramTask.objects.filter(pk=task.pk, done_at__isnull=False).update(done_at=None, done_by=None)
    if reopened:
        note_change(task.program.council_id)
    return reopened == 1


def add_task(*, program, title, due_date, message=""):
    """A task staff add to one program by hand."""
    return ProgramTask.objects.create(program=program, title=title, due_date=due_date, message=message)


def complete_message_tasks(*, program, message, user):
    """Sending a prepared message ticks off the program's open tasks that stood for it."""
    done = ProgramTask.objects.filter(program=program, message=message, done_at__isnull=True).update(
        done_at=timezone.now(), done_by=user
    )
    if done:
        note_change(program.council_id)
    return done


def template_for(*, council, program_type):
    """The council's template of ``program_type``, or a new unsaved one (saved with its first tasks)."""
    template = ChecklistTemplate.objects.filter(council=council, program_type=program_type).first()
    return template or ChecklistTemplate(council=council, program_type=program_type)


def record_feedback(*, program, respondent_type, respondent, rating, comments, would_host_again):
    """One answer per person and program: sending the form again replaces the earlier answer."""
    name = getattr(respondent, "contact_name", None) or respondent.name
    feedback, _ = Feedback.objects.update_or_create(
        program=program,
        respondent_type=respondent_type,
        respondent_id=respondent.pk,
        defaults={
            "respondent_name": name,
            "rating": rating,
            "comments": comments,
            "would_host_again": would_host_again,
        },
    )
    return feedback
