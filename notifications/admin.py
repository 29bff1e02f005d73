from django.contrib import admin

from councils.admin_scoping import CouncilScopedAdmin
from notifications.models import Notification

# Read-only (``admin_scoping.READ_ONLY_MODELS``): the outbox is written by ``notifications.services`` and the
# delivery tasks, and staff resend a failed message at /outbox/. ``PendingChange`` (change notices waiting for
# their merge window) is not registered at all.


@admin.register(Notification)
class NotificationAdmin(CouncilScopedAdmin):
    list_display = ["kind", "recipient_email", "state", "attempts", "send_after", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["recipient_email", "recipient_name", "subject"]
    readonly_fields = [f.name for f in Notification._meta.fields]
