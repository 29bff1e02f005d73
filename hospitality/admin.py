from django.contrib import admin

from councils.admin_scoping import CouncilScopedAdmin, CouncilScopedInline
from hospitality import services
from hospitality.models import GuestAssignment, HospitalitySlot, Invitation, Volunteer, VolunteerAvailability


class AvailabilityInline(CouncilScopedInline):
    model = VolunteerAvailability


@admin.register(Volunteer)
class VolunteerAdmin(CouncilScopedAdmin):
    list_display = ["household_name", "contact_name", "city", "max_guests", "vetting_status", "active"]
    list_filter = ["vetting_status", "active"]
    search_fields = ["household_name", "contact_name", "email"]
    inlines = [AvailabilityInline]
    exclude = ["user"]

    def save_model(self, request, obj, form, change):
        # The admin saves in one transaction (``ModelAdmin.changeform_view``), so the user follows atomically.
        super().save_model(request, obj, form, change)
        services.sync_user_email(volunteer=obj)


# Slots, invitations and guest assignments are read-only (``admin_scoping.READ_ONLY_MODELS``): their counters,
# the dinners on the guests' schedules and the volunteers' emails follow ``hospitality.services``.


@admin.register(HospitalitySlot)
class HospitalitySlotAdmin(CouncilScopedAdmin):
    council_lookup = "program__council"
    list_display = ["program", "starts_at", "meal", "hosts_needed", "accepted_hosts"]


@admin.register(Invitation)
class InvitationAdmin(CouncilScopedAdmin):
    council_lookup = "slot__program__council"
    list_display = ["volunteer", "slot", "status", "expires_at"]
    list_filter = ["status"]


@admin.register(GuestAssignment)
class GuestAssignmentAdmin(CouncilScopedAdmin):
    council_lookup = "slot__program__council"
    list_display = ["participant", "invitation", "slot"]
