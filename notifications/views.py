from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from councils.access import get_for_council, staff_required
from notifications import services
from notifications.forms import OutboxFilterForm
from notifications.models import Notification


@staff_required
def outbox(request):
    form = OutboxFilterForm(request.GET or None)
    notifications = Notification.objects.filter(council=request.council).select_related("program")
    if form.is_valid():
        notifications = form.filter(notifications)
    page = Paginator(notifications.defer("body_text", "body_html", "attachments"), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {"form": form, "page": page})


@staff_required
def detail(request, notification_id):
    notification = get_for_council(Notification.objects.select_related("program"), request.council, pk=notification_id)
    return render(request, "notifications/detail.html", {"notification": notification})


@staff_required
@require_POST
def resend(request, notification_id):
    notification = get_for_council(Notification.objects, request.council, pk=notification_id)
    if services.resend(notification):
        messages.success(request, _("The message is queued again."))
    else:
        messages.error(request, _("Only a failed message can be sent again."))
    return redirect("notifications:detail", notification_id=notification.pk)
