"""Querysets the lifecycle pages read; each owns its joins so a page's query count does not grow with its rows."""

import datetime as dt

from django.db.models import BooleanField, Case, Count, F, Prefetch, Value, When

from lifecycle.models import ChecklistTemplate, Feedback, ItineraryVersion, ProgramTask, SponsorComment
from programs.enums import ProgramStatus

CLOSED_PROGRAM_STATUSES = (ProgramStatus.COMPLETED, ProgramStatus.CANCELLED)


def end_of_week(today):
    """The Sunday of ``today``'s ISO week."""
    return today + dt.timedelta(days=7 - today.isoweekday())


def tasks_due_this_week(council, today):
    """Open tasks of the council's running programs due by the end of this week, overdue ones included."""
    return (
        ProgramTask.objects.filter(program__council=council, done_at__isnull=True, due_date__lte=end_of_week(today))
        .exclude(program__status__in=CLOSED_PROGRAM_STATUSES)
        .select_related("program")
        .annotate(
            is_overdue=Case(
                When(due_date__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by("due_date", "program__arrival_date", "pk")
    )


def checklist(program):
    """A program's tasks by due date (tasks without one last), with who ticked them off."""
    return program.tasks.select_related("done_by").order_by(F("due_date").asc(nulls_last=True), "pk")


def templates_for_council(council):
    return (
        ChecklistTemplate.objects.filter(council=council).annotate(task_count=Count("tasks")).order_by("program_type")
    )


def versions_for_program(program):
    return (
        ItineraryVersion.objects.filter(program=program)
        .select_related("published_by", "approved_by")
        .prefetch_related(Prefetch("comments", queryset=SponsorComment.objects.order_by("created_at", "pk")))
        .order_by("-number")
    )


def feedback_for_program(program):
    return Feedback.objects.filter(program=program).order_by("-submitted_at", "pk")
