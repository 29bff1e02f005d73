from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meetings.enums import ItemKind, ItemStatus, RequestStatus


class ItineraryItem(models.Model):
    """One entry of a program's schedule. Times are aware (UTC) and shown in the stop's time zone."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="items")
    stop = models.ForeignKey("programs.Stop", on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices, default=ItemKind.MEETING)
    status = models.CharField(_("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.IDEA)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue = models.ForeignKey("directory.Venue", on_delete=models.PROTECT, null=True, blank=True, related_name="items")
    host_organization = models.ForeignKey(
        "directory.HostOrganization", on_delete=models.PROTECT, null=True, blank=True, related_name="items"
    )
    contacts = models.ManyToManyField("directory.Contact", blank=True, related_name="items")
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    whole_group = models.BooleanField(_("whole group"), default=True)
    participants = models.ManyToManyField(
        "programs.Participant", blank=True, related_name="items", help_text=_("Only when not the whole group.")
    )
    interpreter = models.ForeignKey(
        "programs.ProgramStaffMember", on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    transport_vendor = models.ForeignKey(
        "logistics.TransportVendor", on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    pickup_at = models.DateTimeField(_("pick-up time"), null=True, blank=True)
    pickup_location = models.CharField(_("pick-up place"), max_length=300, blank=True)
    dress_code = models.CharField(_("dress code"), max_length=200, blank=True)
    what_to_bring = models.CharField(_("what to bring"), max_length=300, blank=True)
    visitor_notes = models.TextField(_("notes for visitors"), blank=True)
    internal_notes = models.TextField(_("internal notes"), blank=True)
    conflict_override_reason = models.CharField(_("reason for overriding conflicts"), max_length=300, blank=True)
    # Raised on every save: a form carries the version it was loaded at, and a stale one is refused.
    version = models.PositiveIntegerField(default=1)
    # The ICS SEQUENCE: raised when the time, place or status that a calendar shows changes.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("itinerary item")
        verbose_name_plural = _("itinerary items")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="item_ends_after_start"),
        ]
        indexes = [
            # The calendar and the visitor's day read a program's items by time.
            models.Index(fields=["program", "starts_at"], name="item_program_start_idx"),
            # Conflict detection looks for venue bookings across the council's programs by time.
            models.Index(fields=["venue", "starts_at"], name="item_venue_start_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_cancelled(self):
        return self.status == ItemStatus.CANCELLED


class ItemChange(models.Model):
    """One recorded change to an item: who, when and which fields went from what to what."""

    item = models.ForeignKey(ItineraryItem, on_delete=models.CASCADE, related_name="changes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    actor_label = models.CharField(max_length=200, blank=True, help_text="Who, when not a staff user (a host).")
    at = models.DateTimeField(auto_now_add=True)
    # {"field": [old, new], ...} in display form.
    changes = models.JSONField(default=dict)
    # Why conflicts were not judged, or which value was kept where two people changed the same field.
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.item} @ {self.at:%Y-%m-%d %H:%M}"


class MeetingRequest(models.Model):
    """A request to a host contact for an item, answered from a signed link."""

    item = models.ForeignKey(ItineraryItem, on_delete=models.CASCADE, related_name="requests")
    contact = models.ForeignKey("directory.Contact", on_delete=models.PROTECT, related_name="requests")
    status = models.CharField(_("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    message = models.TextField(_("message"), blank=True)
    deadline = models.DateTimeField(_("answer by"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    response_note = models.TextField(_("note"), blank=True)
    proposed_starts_at = models.DateTimeField(_("proposed start"), null=True, blank=True)
    proposed_ends_at = models.DateTimeField(_("proposed end"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(proposed_ends_at__isnull=True)
                | models.Q(proposed_ends_at__gt=models.F("proposed_starts_at")),
                name="request_proposal_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.item} → {self.contact}"
