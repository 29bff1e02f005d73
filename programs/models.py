from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from councils.models import Council
from exchange.phones import PhoneField
from programs.enums import Consent, ProgramStaffRole, ProgramStatus, ProgramType
from programs.validators import validate_time_zone


class Sponsor(models.Model):
    """The national program agency that sends a group."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="sponsors")
    name = models.CharField(_("name"), max_length=200)
    website = models.URLField(_("website"), blank=True)
    # The agency this address-book entry stands for, when it runs its programs through this app.
    agency = models.ForeignKey(
        "journeys.Agency", on_delete=models.SET_NULL, null=True, blank=True, related_name="sponsors"
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="sponsor_unique_name_per_council")]

    def __str__(self):
        return self.name


class Program(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="programs")
    title = models.CharField(_("title"), max_length=200)
    program_type = models.CharField(_("type"), max_length=20, choices=ProgramType.choices, default=ProgramType.IVLP)
    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="programs", null=True, blank=True)
    sponsor_reference = models.CharField(_("sponsor's reference"), max_length=80, blank=True)
    program_officer_name = models.CharField(_("program officer"), max_length=200, blank=True)
    program_officer_email = models.EmailField(_("program officer email"), blank=True)
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    arrival_date = models.DateField(_("arrival"))
    departure_date = models.DateField(_("departure"))
    status = models.CharField(_("status"), max_length=20, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT)
    has_home_hospitality = models.BooleanField(_("home hospitality"), default=False)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["arrival_date", "title"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(departure_date__gte=models.F("arrival_date")), name="program_departs_after_arrival"
            ),
        ]
        indexes = [
            # The dashboard lists a council's programs by date.
            models.Index(fields=["council", "arrival_date"], name="program_council_arrival_idx"),
        ]

    def __str__(self):
        return self.title


class Stop(models.Model):
    """A city the program stays in. Dates are nights: [start_date, end_date], end_date is the leaving day.

    Consecutive stops may share a day (travel day); the database refuses stops whose nights overlap.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="stops")
    city = models.CharField(_("city"), max_length=120)
    region = models.CharField(_("state or region"), max_length=120, blank=True)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    hotel = models.ForeignKey("logistics.Hotel", on_delete=models.SET_NULL, null=True, blank=True, related_name="stops")

    class Meta:
        ordering = ["program", "start_date"]
        verbose_name = _("stop")
        verbose_name_plural = _("stops")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="stop_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.city} ({self.start_date:%b %d}–{self.end_date:%b %d})"

    def covers(self, day):
        return self.start_date <= day <= self.end_date


class PersonalLinkHolder(models.Model):
    """Someone who opens their schedule from a personal link (no password).

    The link carries a signature over the holder's id and ``link_version``; re-issuing bumps the version (old
    links stop working), revoking records when staff cut access.
    """

    link_version = models.PositiveIntegerField(default=1, editable=False)
    link_revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_seen_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class Participant(PersonalLinkHolder):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="participants")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    country = CountryField(_("country"))
    # A country typed before countries were codes that no name or code matched (the migration left ``country``
    # empty): shown to staff until they choose the country.
    country_as_typed = models.CharField(_("country as typed"), max_length=100, blank=True, editable=False)
    role = models.CharField(_("role"), max_length=200, blank=True)
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    email = models.EmailField(_("email"), blank=True)
    phone = PhoneField(_("phone"), blank=True)
    dietary_needs = models.CharField(_("dietary needs"), max_length=300, blank=True)
    accessibility_needs = models.CharField(_("accessibility needs"), max_length=300, blank=True)
    bio = models.TextField(_("short bio for hosts"), blank=True)
    share_bio = models.BooleanField(_("consents to share bio"), default=False)
    share_contact = models.BooleanField(_("consents to share contact details with the group"), default=False)
    media_consent = models.CharField(
        _("media consent"), max_length=10, choices=Consent.choices, default=Consent.UNKNOWN
    )
    notifications_opt_out = models.BooleanField(_("no non-essential messages"), default=False)
    # The same person in every council's segment of a national program.
    traveller = models.ForeignKey(
        "journeys.Traveller",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("traveller"),
    )

    class Meta:
        ordering = ["program", "last_name", "first_name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"


class ProgramStaffMember(PersonalLinkHolder):
    """Interpreters, escorts and liaisons who travel with the group and see the group view."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="program_staff")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=ProgramStaffRole.choices)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    email = models.EmailField(_("email"), blank=True)
    phone = PhoneField(_("phone"), blank=True)
    share_contact = models.BooleanField(_("consents to share contact details with the group"), default=True)
    notifications_opt_out = models.BooleanField(_("no non-essential messages"), default=False)

    class Meta:
        ordering = ["program", "role", "name"]
        verbose_name = _("program staff member")
        verbose_name_plural = _("program staff")

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"
