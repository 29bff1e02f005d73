from django.contrib import admin

from councils.admin_scoping import CouncilScopedAdmin, CouncilScopedInline
from directory.models import Contact, HostOrganization, Venue


class ContactInline(CouncilScopedInline):
    model = Contact


@admin.register(HostOrganization)
class HostOrganizationAdmin(CouncilScopedAdmin):
    list_display = ["name", "sector", "city", "active"]
    list_filter = ["sector", "active"]
    search_fields = ["name"]
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(CouncilScopedAdmin):
    council_lookup = "organization__council"
    list_display = ["name", "title", "organization", "email"]
    search_fields = ["name", "email", "organization__name"]


@admin.register(Venue)
class VenueAdmin(CouncilScopedAdmin):
    list_display = ["name", "city", "is_online"]
    search_fields = ["name", "address"]
