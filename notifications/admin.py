from django.contrib import admin

from councils.admin_scoping import CouncilScopedAdmin
from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(CouncilScopedAdmin):
    list_display = ["kind", "recipient_email", "state", "attempts", "send_after", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["recipient_email", "recipient_name", "subject"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False
