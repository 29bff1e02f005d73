"""What passes between a national program's agency and the councils of its segments.

- ``ReceivedVersion``: each program request or rooming list the agency uploads, numbered and kept with its parsed
  content; applying one writes it to the travellers (and to the accepted segments' participants and hotels).
- ``ItineraryVersion``: each segment's itinerary as sent to the agency (weekly, when a meeting falls through, the
  final one, or when staff send it), frozen through the agency's whitelist.
- ``AgencyEdit`` and its ``ProposedChange`` rows: an edited itinerary the agency sent back, one row per item it
  changed, added or removed, each accepted or rejected by the segment's council.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agency_exchange.enums import ChangeKind, Decision, ReceivedKind, VersionReason


class ReceivedVersion(models.Model):
    """A program request or rooming list as the agency sent it; ``content`` is the parsed, validated file."""

    national_program = models.ForeignKey(
        "journeys.NationalProgram", on_delete=models.CASCADE, related_name="received_versions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReceivedKind.choices)
    number = models.PositiveIntegerField(_("version"))
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    # {"objectives": ..., "travellers": [...]} or {"rooms": [...]}: plain values, as the file gave them.
    content = models.JSONField(default=dict)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What applying it did: counts, and anything it could not do (a participant a council must keep).
    applied_summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["national_program", "kind", "-number"]
        verbose_name = _("received version")
        verbose_name_plural = _("received versions")
        constraints = [
            models.UniqueConstraint(
                fields=["national_program", "kind", "number"], name="receivedversion_unique_number"
            ),
        ]

    def __str__(self):
        return f"{self.national_program} {self.get_kind_display()} v{self.number}"

    @property
    def is_applied(self):
        return self.applied_at is not None


class TravellerArrival(models.Model):
    """How a traveller reaches the first city, as the program request gave it."""

    traveller = models.OneToOneField("journeys.Traveller", on_delete=models.CASCADE, related_name="arrival")
    flight = models.CharField(_("arrival flight"), max_length=80, blank=True)
    arrives_at = models.DateTimeField(_("arrives at"), null=True, blank=True)

    class Meta:
        verbose_name = _("traveller's arrival")
        verbose_name_plural = _("travellers' arrivals")

    def __str__(self):
        return f"{self.traveller}: {self.flight}"


class Room(models.Model):
    """A traveller's hotel in one segment's city, from the agency's rooming list."""

    traveller = models.ForeignKey("journeys.Traveller", on_delete=models.CASCADE, related_name="rooms")
    segment = models.ForeignKey("journeys.Segment", on_delete=models.CASCADE, related_name="rooms")
    hotel = models.CharField(_("hotel"), max_length=200)
    confirmation_number = models.CharField(_("confirmation number"), max_length=60, blank=True)

    class Meta:
        ordering = ["segment", "traveller"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [models.UniqueConstraint(fields=["traveller", "segment"], name="room_one_per_segment")]

    def __str__(self):
        return f"{self.traveller} @ {self.hotel}"


class ItineraryVersion(models.Model):
    """A segment's itinerary as sent to the agency; ``snapshot`` holds only what the agency may see."""

    segment = models.ForeignKey("journeys.Segment", on_delete=models.CASCADE, related_name="agency_versions")
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(default=list)
    reason = models.CharField(_("why"), max_length=20, choices=VersionReason.choices)
    note = models.TextField(_("note to the agency"), blank=True)
    # One weekly version per segment and ISO week, one per item that fell through: a second run makes none.
    dedupe_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["segment", "-number"]
        verbose_name = _("itinerary version for the agency")
        verbose_name_plural = _("itinerary versions for the agency")
        constraints = [
            models.UniqueConstraint(fields=["segment", "number"], name="agencyversion_unique_number"),
        ]

    def __str__(self):
        return f"{self.segment} v{self.number}"


class AgencyEdit(models.Model):
    """An edited itinerary of a segment that came back from the agency."""

    segment = models.ForeignKey("journeys.Segment", on_delete=models.CASCADE, related_name="agency_edits")
    based_on = models.ForeignKey(
        ItineraryVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="edits"
    )
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("received"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["segment", "-uploaded_at", "-pk"]
        verbose_name = _("edited itinerary from the agency")
        verbose_name_plural = _("edited itineraries from the agency")

    def __str__(self):
        return f"{self.segment}: {self.file_name or self.pk}"


class ProposedChange(models.Model):
    """One item the agency's edit adds, changes or removes; the council accepts or rejects it.

    ``fields`` maps each field to ``[what the agency was sent, what it asks for]`` (raw values: UTC ISO times);
    for an added item only the asked-for values count. ``base`` is the item's values as the agency was sent them,
    the base an accepted change is merged on, so that a staff edit made since is never overwritten.
    """

    edit = models.ForeignKey(AgencyEdit, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("change"), max_length=10, choices=ChangeKind.choices)
    item = models.ForeignKey(
        "meetings.ItineraryItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    line = models.PositiveIntegerField(_("line"), default=0)
    title = models.CharField(_("title"), max_length=200)
    # The clock the item's times are shown on (its stop's zone).
    time_zone = models.CharField(_("time zone"), max_length=64)
    fields = models.JSONField(default=dict)
    base = models.JSONField(default=dict, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["edit", "line", "pk"]
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"
