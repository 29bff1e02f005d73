from django.contrib import admin

from councils.admin_scoping import CouncilScopedAdmin
from lifecycle.models import ProgramTask

# Checklist templates are edited on their own page by council admins (lifecycle:templates), not here.


@admin.register(ProgramTask)
class ProgramTaskAdmin(CouncilScopedAdmin):
    council_lookup = "program__council"
    list_display = ["title", "program", "due_date", "done_at"]
    list_filter = ["done_at"]
    search_fields = ["title"]
    raw_id_fields = ["template_task"]
