"""A national program agency's multi-city journey: each city's segment is a Program of that city's council.

The segment links the agency's route to the council's own Program (created when the council accepts), so every
council page keeps working inside one council; what crosses councils is read through ``journeys.sharing``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from councils.models import Council
from exchange.phones import PhoneField
from journeys.enums import AgencyRole, NationalProgramStatus, SegmentState, TravelMode
from programs.enums import Consent
from programs.models import PersonalLinkHolder, Program
from programs.validators import validate_time_zone


class Agency(models.Model):
    """A national program agency: designs the route and asks each city's council to build its segment."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    email = models.EmailField(_("contact email"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self):
        return self.name


class AgencyMembership(models.Model):
    """A user's place in one agency. Agency staff have no council membership, so council pages refuse them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_membership", verbose_name=_("user")
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("agency"))
    role = models.CharField(_("role"), max_length=20, choices=AgencyRole.choices, default=AgencyRole.PROGRAM_OFFICER)

    class Meta:
        ordering = ["agency", "user__username"]
        verbose_name = _("agency membership")
        verbose_name_plural = _("agency memberships")

    def __str__(self):
        return f"{self.user} @ {self.agency}"

    @property
    def is_admin(self):
        return self.role == AgencyRole.ADMIN


class NationalProgram(models.Model):
    """One project of an agency: a group of travellers and their route through several councils' cities."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="national_programs")
    title = models.CharField(_("title"), max_length=200)
    agency_reference = models.CharField(_("agency's reference"), max_length=80, blank=True)
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    arrival_date = models.DateField(_("arrival"))
    departure_date = models.DateField(_("departure"))
    status = models.CharField(
        _("status"), max_length=20, choices=NationalProgramStatus.choices, default=NationalProgramStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Bumped by every saved edit; a form posted with an older version is refused rather than overwriting.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["arrival_date", "title"]
        verbose_name = _("national program")
        verbose_name_plural = _("national programs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(departure_date__gte=models.F("arrival_date")),
                name="nationalprogram_departs_after_arrival",
            ),
        ]
        indexes = [
            # The agency's home page lists its national programs by date.
            models.Index(fields=["agency", "arrival_date"], name="nationalprogram_agency_idx"),
        ]

    def __str__(self):
        return self.title


class Traveller(PersonalLinkHolder):
    """One visitor across the whole journey; each council's segment has a Participant pointing here."""

    national_program = models.ForeignKey(NationalProgram, on_delete=models.CASCADE, related_name="travellers")
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = PhoneField(_("phone"), blank=True)
    language = models.CharField(_("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en")
    country = CountryField(_("country"))
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)
    bio = models.TextField(_("short bio for hosts"), blank=True)
    dietary_needs = models.CharField(_("dietary needs"), max_length=300, blank=True)
    accessibility_needs = models.CharField(_("accessibility needs"), max_length=300, blank=True)
    share_bio = models.BooleanField(_("consents to share bio"), default=False)
    share_contact = models.BooleanField(_("consents to share contact details with the group"), default=False)
    media_consent = models.CharField(
        _("media consent"), max_length=10, choices=Consent.choices, default=Consent.UNKNOWN
    )
    notifications_opt_out = models.BooleanField(_("no non-essential messages"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["national_program", "full_name"]
        verbose_name = _("traveller")
        verbose_name_plural = _("travellers")

    def __str__(self):
        return self.full_name

    @property
    def preferred_language(self):
        """The same name a Participant uses, so messages and pages pick the language the same way."""
        return self.language


class Segment(models.Model):
    """One city of the route, built by the council invited to it.

    ``program`` is the council's own Program for the segment, created when the council accepts; until then the
    segment is only the agency's request. Arrival and departure describe how the group reaches and leaves the
    city: the previous segment's departure is this one's arrival.
    """

    national_program = models.ForeignKey(NationalProgram, on_delete=models.CASCADE, related_name="segments")
    order = models.PositiveSmallIntegerField(_("order"))
    city = models.CharField(_("city"), max_length=120)
    region = models.CharField(_("state or region"), max_length=120, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="segments", verbose_name=_("council"))
    state = models.CharField(_("state"), max_length=20, choices=SegmentState.choices, default=SegmentState.INVITED)
    program = models.OneToOneField(
        Program, on_delete=models.SET_NULL, null=True, blank=True, related_name="segment", verbose_name=_("program")
    )
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)
    arrival_mode = models.CharField(_("arrives by"), max_length=10, choices=TravelMode.choices, blank=True)
    arrival_detail = models.CharField(
        _("arrival details"), max_length=200, blank=True, help_text=_("Flight number, or the ground transport.")
    )
    arrival_at = models.DateTimeField(_("arrives at"), null=True, blank=True)
    departure_mode = models.CharField(_("leaves by"), max_length=10, choices=TravelMode.choices, blank=True)
    departure_detail = models.CharField(
        _("departure details"), max_length=200, blank=True, help_text=_("Flight number, or the ground transport.")
    )
    departure_at = models.DateTimeField(_("leaves at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["national_program", "order"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        constraints = [
            models.UniqueConstraint(fields=["national_program", "order"], name="segment_unique_order"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="segment_ends_after_start"
            ),
        ]
        indexes = [
            # A council's dashboard lists the invitations waiting for its answer.
            models.Index(fields=["council", "state"], name="segment_council_state_idx"),
        ]

    def __str__(self):
        return f"{self.order}. {self.city} ({self.starts_on:%b %d}–{self.ends_on:%b %d})"


class HandOver(models.Model):
    """What the council of one segment tells the next about the group: written by the sending council, read by
    the receiving council and the agency. A checklist task on each side keeps it from being forgotten."""

    from_segment = models.OneToOneField(Segment, on_delete=models.CASCADE, related_name="hand_over")
    health = models.TextField(_("health"), blank=True)
    diet = models.TextField(_("diet"), blank=True)
    interpreter = models.TextField(_("interpreter"), blank=True)
    group_changes = models.TextField(_("changes to the group"), blank=True)
    other = models.TextField(_("anything else"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sending_task = models.ForeignKey(
        "lifecycle.ProgramTask", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    receiving_task = models.ForeignKey(
        "lifecycle.ProgramTask", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Bumped by every saved edit; a note posted with an older version is refused rather than overwriting.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hand-over note")
        verbose_name_plural = _("hand-over notes")

    def __str__(self):
        return f"{self.from_segment}"

    @property
    def is_sent(self):
        return self.sent_at is not None

    @property
    def is_empty(self):
        return not any((self.health, self.diet, self.interpreter, self.group_changes, self.other))
