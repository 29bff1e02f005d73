from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from councils.models import Council
from lifecycle.enums import Rating, RespondentType, TaskAnchor, TaskMessage
from programs.enums import ProgramType


class ChecklistTemplate(models.Model):
    """The tasks a council works through for every program of one type."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="checklist_templates")
    program_type = models.CharField(_("program type"), max_length=20, choices=ProgramType.choices)

    class Meta:
        ordering = ["council", "program_type"]
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        constraints = [
            models.UniqueConstraint(fields=["council", "program_type"], name="checklist_one_per_program_type"),
        ]

    def __str__(self):
        return f"{self.get_program_type_display()} ({self.council})"


class TemplateTask(models.Model):
    """One task of a template, due ``offset_days`` after its anchor date (negative: before)."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("title"), max_length=200)
    anchor = models.CharField(_("due relative to"), max_length=20, choices=TaskAnchor.choices)
    offset_days = models.SmallIntegerField(
        _("days after (negative: before)"), default=0, help_text=_("-38 means 38 days before.")
    )
    only_with_home_hospitality = models.BooleanField(_("only with home hospitality"), default=False)
    message = models.CharField(_("prepared message"), max_length=20, choices=TaskMessage.choices, blank=True)

    class Meta:
        ordering = ["template", "anchor", "offset_days", "pk"]
        verbose_name = _("template task")
        verbose_name_plural = _("template tasks")

    def __str__(self):
        return self.title


class ProgramTask(models.Model):
    """A task of one program: copied from its type's template, or added by staff (no template task)."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="tasks")
    template_task = models.ForeignKey(
        TemplateTask, on_delete=models.SET_NULL, null=True, blank=True, related_name="program_tasks"
    )
    title = models.CharField(_("title"), max_length=200)
    due_date = models.DateField(_("due"), null=True, blank=True)
    message = models.CharField(_("prepared message"), max_length=20, choices=TaskMessage.choices, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("program task")
        verbose_name_plural = _("program tasks")
        constraints = [
            models.UniqueConstraint(fields=["program", "template_task"], name="programtask_once_per_template_task"),
        ]
        indexes = [
            # "Due this week" reads open tasks by due date across a council's programs.
            models.Index(fields=["due_date", "done_at"], name="programtask_due_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_done(self):
        return self.done_at is not None


class ItineraryVersion(models.Model):
    """A numbered, published snapshot of a program's itinerary, reviewed by the sponsor's program officer.

    ``snapshot`` is a list of items as dicts (id, title, kind, status, starts_at, ends_at, stop, venue); the
    officer's signed link names the version and stops working once ``revoked_at`` is set.
    """

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="itinerary_versions")
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(default=list)
    note = models.TextField(_("note to the program officer"), blank=True)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("link revoked"), null=True, blank=True)
    opened_at = models.DateTimeField(_("first opened by the program officer"), null=True, blank=True)

    class Meta:
        ordering = ["program", "-number"]
        verbose_name = _("itinerary version")
        verbose_name_plural = _("itinerary versions")
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="itineraryversion_unique_number"),
        ]

    def __str__(self):
        return f"{self.program} v{self.number}"

    @property
    def is_approved(self):
        return self.approved_at is not None


class SponsorComment(models.Model):
    """What the program officer returned on a version."""

    version = models.ForeignKey(ItineraryVersion, on_delete=models.CASCADE, related_name="comments")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("sponsor comment")
        verbose_name_plural = _("sponsor comments")

    def __str__(self):
        return f"{self.version}: {self.body[:40]}"


class WeeklySponsorUpdate(models.Model):
    """A program whose program officer gets the itinerary every week (sent by the beat task, once per ISO week)."""

    program = models.OneToOneField("programs.Program", on_delete=models.CASCADE, related_name="weekly_sponsor_update")
    weekday = models.PositiveSmallIntegerField(
        _("send on"),
        default=1,
        choices=[(1, _("Monday")), (2, _("Tuesday")), (3, _("Wednesday")), (4, _("Thursday")), (5, _("Friday"))],
    )
    active = models.BooleanField(pgettext_lazy("checklist template", "active"), default=True)
    last_sent_week = models.CharField(max_length=10, blank=True, editable=False)

    class Meta:
        verbose_name = _("weekly sponsor update")
        verbose_name_plural = _("weekly sponsor updates")

    def __str__(self):
        return f"{self.program}"


class Feedback(models.Model):
    """A host's or volunteer's answer to the short feedback form after a program (one per person and program)."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="feedback")
    respondent_type = models.CharField(pgettext_lazy("feedback", "from"), max_length=20, choices=RespondentType.choices)
    respondent_id = models.PositiveBigIntegerField()
    respondent_name = models.CharField(_("name"), max_length=200)
    rating = models.PositiveSmallIntegerField(_("how did it go?"), choices=Rating.choices)
    comments = models.TextField(_("comments"), blank=True)
    would_host_again = models.BooleanField(_("would host again"), default=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now=True)

    class Meta:
        ordering = ["program", "-submitted_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "respondent_type", "respondent_id"], name="feedback_once_per_respondent"
            ),
        ]

    def __str__(self):
        return f"{self.respondent_name} on {self.program}"
