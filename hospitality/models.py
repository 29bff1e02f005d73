import zoneinfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from councils.models import Council
from exchange.phones import PhoneField
from hospitality.enums import InvitationStatus, Meal, VettingStatus, Weekday


class Volunteer(models.Model):
    """A household that offers home hospitality. Signs in from an emailed link through its user."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="volunteers")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="volunteer"
    )
    household_name = models.CharField(_("household"), max_length=200)
    contact_name = models.CharField(_("contact name"), max_length=200)
    email = models.EmailField(_("email"))
    phone = PhoneField(_("phone"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    languages = models.CharField(
        _("languages spoken"), max_length=200, blank=True, help_text=_("Comma-separated codes, e.g. en,es")
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    max_guests = models.PositiveSmallIntegerField(_("guests they can host"), default=2)
    dietary_accommodations = models.CharField(_("dietary accommodations"), max_length=300, blank=True)
    accessibility = models.CharField(_("accessibility"), max_length=300, blank=True)
    pets = models.CharField(_("pets"), max_length=200, blank=True)
    vetting_status = models.CharField(
        _("vetting"), max_length=20, choices=VettingStatus.choices, default=VettingStatus.NOT_STARTED
    )
    vetted_on = models.DateField(_("vetted on"), null=True, blank=True)
    # ISO weekdays (1 = Monday) the household is usually free; specific dates live in VolunteerAvailability.
    available_weekdays = models.JSONField(_("usually available on"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("internal notes"), blank=True)

    class Meta:
        ordering = ["household_name"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [
            models.UniqueConstraint(fields=["council", "email"], name="volunteer_unique_email_per_council"),
            models.CheckConstraint(condition=models.Q(max_guests__gte=1), name="volunteer_hosts_someone"),
        ]

    def __str__(self):
        return self.household_name

    @property
    def language_codes(self):
        return [code.strip() for code in self.languages.split(",") if code.strip()]

    @property
    def weekday_labels(self):
        return [Weekday(day).label for day in self.available_weekdays if day in Weekday.values]


class VolunteerAvailability(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="available_dates")
    date = models.DateField(_("date"))

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["volunteer", "date"], name="availability_unique_date")]

    def __str__(self):
        return f"{self.volunteer} on {self.date:%Y-%m-%d}"


class HospitalitySlot(models.Model):
    """A home-hospitality event of a program. ``accepted_hosts`` can never exceed ``hosts_needed``."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="hospitality_slots")
    stop = models.ForeignKey("programs.Stop", on_delete=models.PROTECT, related_name="hospitality_slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    meal = models.CharField(_("meal"), max_length=20, choices=Meal.choices, default=Meal.DINNER)
    guests_per_host = models.PositiveSmallIntegerField(_("guests per host"), default=2)
    hosts_needed = models.PositiveSmallIntegerField(_("hosts needed"), default=1)
    accepted_hosts = models.PositiveSmallIntegerField(default=0, editable=False)
    meeting_point = models.CharField(_("meeting point or pick-up"), max_length=300, blank=True)
    invitation_deadline = models.DateTimeField(_("answer invitations by"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Set once by ``services.cancel_slot``; a cancelled slot takes no more answers or invitations.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("hospitality slot")
        verbose_name_plural = _("hospitality slots")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"),
            models.CheckConstraint(
                condition=models.Q(accepted_hosts__lte=models.F("hosts_needed")), name="slot_never_overfilled"
            ),
            models.CheckConstraint(condition=models.Q(guests_per_host__gte=1), name="slot_hosts_someone"),
        ]

    def __str__(self):
        # The date on the clock of the slot's city: a dinner at 18:00 in Chicago is on that day, not the UTC one.
        return f"{self.get_meal_display()} {self.local_date:%Y-%m-%d}"

    @property
    def local_date(self):
        return self.starts_at.astimezone(zoneinfo.ZoneInfo(self.stop.time_zone)).date()

    @property
    def is_full(self):
        return self.accepted_hosts >= self.hosts_needed

    @property
    def is_cancelled(self):
        return self.cancelled_at is not None


class Invitation(models.Model):
    slot = models.ForeignKey(HospitalitySlot, on_delete=models.CASCADE, related_name="invitations")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="invitations")
    status = models.CharField(
        _("status"), max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    responded_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note from the volunteer"), blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # The itinerary item that puts this host's dinner on the guests' schedules.
    item = models.OneToOneField(
        "meetings.ItineraryItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="invitation"
    )

    class Meta:
        ordering = ["slot", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "volunteer"], name="invitation_one_per_volunteer_and_slot"),
        ]
        indexes = [
            # The expiry sweep reads pending invitations by deadline.
            models.Index(fields=["status", "expires_at"], name="invitation_status_expiry_idx"),
        ]

    def __str__(self):
        return f"{self.volunteer} → {self.slot}"


class GuestAssignment(models.Model):
    """A participant placed with an accepted host; a guest sits at one table per slot."""

    slot = models.ForeignKey(HospitalitySlot, on_delete=models.CASCADE, related_name="assignments")
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="assignments")
    participant = models.ForeignKey(
        "programs.Participant", on_delete=models.CASCADE, related_name="hospitality_assignments"
    )

    class Meta:
        ordering = ["slot", "invitation", "participant"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "participant"], name="assignment_one_table_per_guest"),
        ]

    def __str__(self):
        return f"{self.participant} @ {self.invitation.volunteer}"
