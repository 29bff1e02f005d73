import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from councils.enums import StaffRole
from exchange.phones import PhoneField
from programs.validators import validate_time_zone


class Council(models.Model):
    """The tenancy boundary: everything staff see belongs to one council."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    city = models.CharField(_("city"), max_length=120)
    # Phone numbers typed without "+" are read in this country.
    country = CountryField(_("country"), default="US")
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    email = models.EmailField(_("email"), blank=True)
    phone = PhoneField(_("phone"), blank=True)
    survey_url = models.URLField(_("feedback survey address"), blank=True)
    business_hours_start = models.TimeField(_("business hours start"), default=dt.time(8, 0))
    business_hours_end = models.TimeField(_("business hours end"), default=dt.time(18, 0))
    travel_buffer_minutes = models.PositiveIntegerField(_("travel time between venues (minutes)"), default=30)
    host_reminder_hours = models.PositiveIntegerField(_("host reminder lead time (hours)"), default=48)
    volunteer_reminder_hours = models.PositiveIntegerField(_("volunteer reminder lead time (hours)"), default=48)
    daily_schedule_time = models.TimeField(_("daily schedule send time (local)"), default=dt.time(19, 0))
    # Non-essential mail that falls inside quiet hours (recipient's local time) waits until they end.
    quiet_hours_start = models.TimeField(_("quiet hours start (local)"), default=dt.time(21, 0))
    quiet_hours_end = models.TimeField(_("quiet hours end (local)"), default=dt.time(7, 0))
    # Moved by ``councils.changes`` in the transaction of every change to what the council's pages show; cached
    # content is kept under it. Only ever written by that module's UPDATE, never by saving a council.
    data_version = models.PositiveBigIntegerField(_("data version"), default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(business_hours_end__gt=models.F("business_hours_start")),
                name="council_business_hours_order",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is None and not self._state.adding:
            # A council read before a change was committed must not write its older data version back.
            fields = self._meta.concrete_fields
            update_fields = [f.name for f in fields if not f.primary_key and f.name != "data_version"]
        super().save(*args, update_fields=update_fields, **kwargs)


class StaffMembership(models.Model):
    """A user's place in one council; a user without one is not staff of any council."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership", verbose_name=_("user")
    )
    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("council")
    )
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices, default=StaffRole.COORDINATOR)
    phone = PhoneField(_("phone"), blank=True)

    class Meta:
        ordering = ["council", "user__username"]
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")

    def __str__(self):
        return f"{self.user} @ {self.council}"

    @property
    def is_admin(self):
        return self.role == StaffRole.ADMIN
