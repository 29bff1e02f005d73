from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from councils.models import Council
from directory.enums import Sector
from exchange.phones import PhoneField


class HostOrganization(models.Model):
    """An entry of the council's long-lived address book; it outlives programs."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="host_organizations")
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, default=Sector.OTHER)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    phone = PhoneField(_("phone"), blank=True)
    notes = models.TextField(_("internal notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("host organization")
        verbose_name_plural = _("host organizations")
        constraints = [
            models.UniqueConstraint(fields=["council", "name"], name="hostorg_unique_name_per_council"),
        ]

    def __str__(self):
        return self.name


class Contact(models.Model):
    """A resource person at a host organisation."""

    organization = models.ForeignKey(HostOrganization, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(pgettext_lazy("job title", "title"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = PhoneField(_("phone"), blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=8, default="en")
    notes = models.TextField(_("internal notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organization__name", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return f"{self.name}, {self.organization}"

    @property
    def council_id(self):
        return self.organization.council_id


class Venue(models.Model):
    """Where something happens: a host's office, a museum, a restaurant, or online."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="venues")
    name = models.CharField(_("name"), max_length=200)
    organization = models.ForeignKey(
        HostOrganization, on_delete=models.SET_NULL, null=True, blank=True, related_name="venues"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    accessibility_notes = models.CharField(_("accessibility notes"), max_length=300, blank=True)
    is_online = models.BooleanField(_("online"), default=False)
    meeting_url = models.URLField(_("meeting link"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [
            models.UniqueConstraint(fields=["council", "name"], name="venue_unique_name_per_council"),
            models.CheckConstraint(
                condition=models.Q(is_online=False) | ~models.Q(meeting_url=""), name="venue_online_has_link"
            ),
        ]

    def __str__(self):
        return self.name
