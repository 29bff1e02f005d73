from django.contrib import admin

from councils.admin_scoping import CouncilScopedAdmin
from meetings.models import ItemChange, ItineraryItem, MeetingRequest

# All read-only (``admin_scoping.READ_ONLY_MODELS``): items, their history and meeting requests change only through
# ``meetings.services``, which keep the history, check conflicts and queue the change notices.


@admin.register(ItineraryItem)
class ItineraryItemAdmin(CouncilScopedAdmin):
    council_lookup = "program__council"
    list_display = ["title", "program", "kind", "status", "starts_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    readonly_fields = ["version", "sequence"]


@admin.register(ItemChange)
class ItemChangeAdmin(CouncilScopedAdmin):
    council_lookup = "item__program__council"
    list_display = ["item", "user", "at"]


@admin.register(MeetingRequest)
class MeetingRequestAdmin(CouncilScopedAdmin):
    council_lookup = "item__program__council"
    list_display = ["item", "contact", "status", "deadline"]
    list_filter = ["status"]
