"""The default IVLP checklist: the rhythm of "How a council works a program", as template tasks."""

from django.db import transaction

from councils.changes import note_change
from lifecycle.enums import TaskAnchor, TaskMessage
from lifecycle.models import ChecklistTemplate, TemplateTask
from programs.enums import ProgramType

# title, anchor, offset in days (negative: before), only with home hospitality, prepared message
DEFAULT_IVLP_TASKS = [
    ("Create the draft itinerary", TaskAnchor.ACCEPTANCE, 0, False, ""),
    ("Ask the hotel for availability", TaskAnchor.ACCEPTANCE, 0, False, ""),
    ("Ask the transport vendor for a quote", TaskAnchor.ACCEPTANCE, 0, False, ""),
    ("Research past uses of hosts", TaskAnchor.ARRIVAL, -42, False, ""),
    ("Send preliminary meeting requests", TaskAnchor.ARRIVAL, -38, False, ""),
    ("Send the program officer an itinerary update", TaskAnchor.ARRIVAL, -28, False, TaskMessage.SPONSOR_UPDATE),
    ("Confirm meeting details: place, contact, how to get there", TaskAnchor.ARRIVAL, -21, False, ""),
    ("Invite home-hospitality volunteers", TaskAnchor.ARRIVAL, -21, True, ""),
    (
        "Send home-hospitality hosts the visitors' bios, date, time and dietary needs",
        TaskAnchor.ARRIVAL,
        -14,
        True,
        TaskMessage.HOST_DETAILS,
    ),
    ("Collect media consent, flights and dietary information", TaskAnchor.ARRIVAL, -14, False, ""),
    ("Publish the final itinerary for sponsor review", TaskAnchor.ARRIVAL, -3, False, ""),
    ("Send the approved itinerary to drivers, interpreters and hosts", TaskAnchor.ARRIVAL, -1, False, ""),
    ("Thank hosts and volunteers, with the feedback survey", TaskAnchor.DEPARTURE, 3, False, TaskMessage.THANK_YOU),
    ("Record the program's statistics", TaskAnchor.DEPARTURE, 3, False, ""),
]


@transaction.atomic
def seed_default_template(council):
    """Give ``council`` the default IVLP checklist unless it already has an IVLP template (its own edits stay)."""
    template, created = ChecklistTemplate.objects.get_or_create(council=council, program_type=ProgramType.IVLP)
    if created or not template.tasks.exists():
        TemplateTask.objects.bulk_create(
            TemplateTask(
                template=template,
                title=title,
                anchor=anchor,
                offset_days=offset,
                only_with_home_hospitality=hh_only,
                message=message,
            )
            for title, anchor, offset, hh_only, message in DEFAULT_IVLP_TASKS
        )
        note_change(council.pk)
    return template
