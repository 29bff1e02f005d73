"""Changes council admins make to their own council."""

from django.db import transaction

from audit.services import record


@transaction.atomic
def save_council_settings(*, form, request):
    """Save a valid ``CouncilSettingsForm`` and write the audit event with it: both or neither."""
    council = form.save()
    record(request=request, action="edit council settings", obj=council, details={"fields": form.changed_data})
    return council
