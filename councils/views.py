"""Staff pages of the council itself."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from councils.access import council_admin_required
from councils.forms import CouncilSettingsForm
from councils.services import save_council_settings


@council_admin_required
def settings(request):
    """The requester's own council: there is no council id in the URL, so no other council can be reached."""
    form = CouncilSettingsForm(request.POST or None, instance=request.council)
    if request.method == "POST" and form.is_valid():
        save_council_settings(form=form, request=request)
        messages.success(request, _("The council's settings are saved."))
        return redirect("councils:settings")
    return render(request, "councils/settings.html", {"form": form})
