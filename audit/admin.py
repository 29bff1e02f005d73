from django.contrib import admin

from audit.models import AuditEvent
from councils.admin_scoping import CouncilScopedAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(CouncilScopedAdmin):
    list_display = ["at", "username", "action", "object_type", "object_label", "ip_address"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
