"""The short feedback form hosts and volunteers open from the thank-you link, and its answers for staff."""

from django.shortcuts import render

from councils.access import get_for_council, staff_required
from exchange.dead_links import DeadLink, friendly_dead_links
from lifecycle import queries, services
from lifecycle.forms import FeedbackForm
from lifecycle.links import resolve_feedback_token
from lifecycle.models import Feedback
from programs.models import Program


@friendly_dead_links
def feedback_form(request, token):
    granted = resolve_feedback_token(token)
    if granted is None:
        raise DeadLink
    program, respondent_type, respondent = granted
    earlier = Feedback.objects.filter(
        program=program, respondent_type=respondent_type, respondent_id=respondent.pk
    ).first()
    initial = (
        {"rating": earlier.rating, "comments": earlier.comments, "would_host_again": earlier.would_host_again}
        if earlier
        else None
    )
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.record_feedback(
            program=program, respondent_type=respondent_type, respondent=respondent, **form.cleaned_data
        )
        return render(request, "lifecycle/feedback_thanks.html", {"program": program})
    return render(request, "lifecycle/feedback_form.html", {"program": program, "form": form})


@staff_required
def feedback_list(request, program_id):
    program = get_for_council(Program.objects, request.council, pk=program_id)
    return render(
        request, "lifecycle/feedback_list.html", {"program": program, "feedback": queries.feedback_for_program(program)}
    )
