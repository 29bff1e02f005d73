from django.contrib import admin

from audit.models import AuditEvent
from councils.admin_scoping import CouncilScopedAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(CouncilScopedAdmin):
    """Read-only (``admin_scoping.READ_ONLY_MODELS``): a council's admins read their council's log, nobody edits it."""

    list_display = ["at", "username", "action", "object_type", "object_label", "ip_address"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
