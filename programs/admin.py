from django.contrib import admin

from councils.admin_scoping import CouncilScopedAdmin, CouncilScopedInline
from lifecycle.services import sync_checklist
from programs.models import Participant, Program, ProgramStaffMember, Sponsor, Stop


class StopInline(CouncilScopedInline):
    model = Stop


@admin.register(Sponsor)
class SponsorAdmin(CouncilScopedAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Program)
class ProgramAdmin(CouncilScopedAdmin):
    list_display = ["title", "arrival_date", "departure_date", "status", "has_home_hospitality"]
    list_filter = ["status", "program_type"]
    search_fields = ["title", "sponsor_reference"]
    inlines = [StopInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The checklist follows the program's type and dates, as on the staff pages.
        sync_checklist(form.instance)


@admin.register(Stop)
class StopAdmin(CouncilScopedAdmin):
    council_lookup = "program__council"
    list_display = ["city", "program", "start_date", "end_date", "time_zone"]


# Read-only (``admin_scoping.READ_ONLY_MODELS``): a participant sits on items' schedules and holds a personal link;
# erasing one goes through the audit app's personal-data erasure, which keeps the itinerary and records who did it.
@admin.register(Participant)
class ParticipantAdmin(CouncilScopedAdmin):
    council_lookup = "program__council"
    list_display = ["full_name", "country", "program", "preferred_language", "media_consent"]
    list_filter = ["preferred_language", "media_consent"]
    search_fields = ["first_name", "last_name", "country", "organization"]


@admin.register(ProgramStaffMember)
class ProgramStaffMemberAdmin(CouncilScopedAdmin):
    council_lookup = "program__council"
    list_display = ["name", "role", "program"]
