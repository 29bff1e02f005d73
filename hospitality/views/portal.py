"""The volunteer portal: a volunteer signed in from their emailed link sees only their own invitations."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from sesame.views import LoginView

from hospitality import services
from hospitality.access import volunteer_required
from hospitality.enums import InvitationStatus
from hospitality.forms import AnswerForm, HouseholdForm
from hospitality.queries import invitations_for_volunteer


class SignInView(LoginView):
    """Signs a volunteer in from the link in their email (django-sesame checks age and revocation)."""

    next_page = "hospitality:portal"

    def login_failed(self):
        return render(self.request, "hospitality/portal/signed_out.html", {"link_failed": True}, status=403)


def _own_invitation(request, invitation_id):
    return get_object_or_404(invitations_for_volunteer(request.volunteer), pk=invitation_id)


@volunteer_required
def portal(request):
    now = timezone.now()
    invitations = list(invitations_for_volunteer(request.volunteer))
    return render(
        request,
        "hospitality/portal/home.html",
        {
            "volunteer": request.volunteer,
            "pending": [i for i in invitations if i.status == InvitationStatus.PENDING and i.expires_at > now],
            "confirmed": [i for i in invitations if i.status == InvitationStatus.ACCEPTED and i.slot.ends_at > now],
            "past": [
                i
                for i in invitations
                if not (i.status == InvitationStatus.PENDING and i.expires_at > now)
                and not (i.status == InvitationStatus.ACCEPTED and i.slot.ends_at > now)
            ],
        },
    )


@volunteer_required
def invitation_detail(request, invitation_id):
    invitation = _own_invitation(request, invitation_id)
    return render(
        request,
        "hospitality/portal/invitation.html",
        {
            "invitation": invitation,
            "slot": invitation.slot,
            "is_open": invitation.status == InvitationStatus.PENDING and invitation.expires_at > timezone.now(),
            # Guests' details are for accepted hosts only, and only their own table.
            "guests": [a.participant for a in invitation.assignments.all()]
            if invitation.status == InvitationStatus.ACCEPTED
            else [],
            "form": AnswerForm(),
        },
    )


_ANSWER_MESSAGES = {
    InvitationStatus.ACCEPTED: gettext_lazy("Thank you! You are hosting this dinner."),
    InvitationStatus.FILLED: gettext_lazy(
        "Thank you so much for offering! This dinner already has all the hosts it needs, so we do not need "
        "you this time. We hope to invite you again soon."
    ),
    InvitationStatus.EXPIRED: gettext_lazy("Sorry, the time to answer this invitation has passed."),
    InvitationStatus.DECLINED: gettext_lazy("Thank you for letting us know."),
    InvitationStatus.WITHDRAWN: gettext_lazy(
        "You have withdrawn. The council has been told; thank you for letting us know."
    ),
}


def _answer(request, invitation_id, action):
    invitation = _own_invitation(request, invitation_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            invitation = action(invitation=invitation, note=form.cleaned_data["note"])
        except services.HospitalityError as error:
            messages.error(request, str(error))
        else:
            # Rendered now, in the volunteer's language (the message is stored after the view returns).
            messages.info(request, str(_ANSWER_MESSAGES[invitation.status]))
    return redirect("hospitality:portal_invitation", invitation_id=invitation.pk)


@volunteer_required
@require_POST
def accept(request, invitation_id):
    return _answer(request, invitation_id, services.accept)


@volunteer_required
@require_POST
def decline(request, invitation_id):
    return _answer(request, invitation_id, services.decline)


@volunteer_required
@require_POST
def withdraw(request, invitation_id):
    return _answer(request, invitation_id, services.withdraw)


@volunteer_required
def household(request):
    volunteer = request.volunteer
    form = HouseholdForm(request.POST or None, instance=volunteer)
    if request.method == "POST" and form.is_valid():
        services.save_volunteer(form=form)
        messages.success(request, str(_("Thank you, your details are saved.")))
        return redirect("hospitality:portal")
    return render(request, "hospitality/portal/household.html", {"form": form, "volunteer": volunteer})
