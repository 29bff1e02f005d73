"""Sponsor review: staff publish versions and read comments; the program officer reviews from a signed link."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import record
from councils.access import get_for_council, staff_required
from exchange.dead_links import DeadLink, friendly_dead_links
from lifecycle import queries, sponsor_review
from lifecycle.forms import CommentForm, PublishForm, WeeklyUpdateForm
from lifecycle.links import resolve_review_token, review_url
from lifecycle.models import ItineraryVersion, WeeklySponsorUpdate
from programs.models import Program


def _version(request, version_id):
    return get_for_council(
        ItineraryVersion.objects.select_related("program"),
        request.council,
        council_lookup="program__council",
        pk=version_id,
    )


@staff_required
def versions(request, program_id):
    program = get_for_council(Program.objects.select_related("council"), request.council, pk=program_id)
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            version = sponsor_review.publish_version(program=program, user=request.user, note=form.cleaned_data["note"])
            record(
                request=request,
                action="publish itinerary to sponsor",
                obj=version,
                details={"program": program.pk, "number": version.number},
            )
        messages.success(request, _("Version %(number)s is published.") % {"number": version.number})
        return redirect("lifecycle:versions", program_id=program.pk)
    schedule = WeeklySponsorUpdate.objects.filter(program=program).first()
    version_list = list(queries.versions_for_program(program))
    for version in version_list:
        version.link = review_url(version)
    return render(
        request,
        "lifecycle/versions.html",
        {
            "program": program,
            "versions": version_list,
            "form": form,
            "weekly_form": WeeklyUpdateForm(instance=schedule),
        },
    )


@staff_required
def version_detail(request, version_id):
    version = _version(request, version_id)
    return render(
        request,
        "lifecycle/version_detail.html",
        {
            "version": version,
            "program": version.program,
            "rows": sponsor_review.review_rows(version),
            "comments": version.comments.all(),
        },
    )


@staff_required
@require_POST
def approve(request, version_id):
    version = _version(request, version_id)
    with transaction.atomic():
        sponsor_review.approve_version(version=version, user=request.user)
        record(
            request=request,
            action="approve itinerary version",
            obj=version,
            details={"program": version.program_id, "number": version.number},
        )
    messages.success(request, _("Version %(number)s is the approved itinerary.") % {"number": version.number})
    return redirect("lifecycle:versions", program_id=version.program_id)


@staff_required
@require_POST
def revoke(request, version_id):
    version = _version(request, version_id)
    with transaction.atomic():
        sponsor_review.revoke_version(version=version)
        record(request=request, action="revoke sponsor review link", obj=version)
    messages.success(request, _("The link of version %(number)s no longer opens.") % {"number": version.number})
    return redirect("lifecycle:versions", program_id=version.program_id)


@staff_required
@require_POST
def weekly_update(request, program_id):
    program = get_for_council(Program.objects, request.council, pk=program_id)
    form = WeeklyUpdateForm(request.POST, instance=WeeklySponsorUpdate.objects.filter(program=program).first())
    if form.is_valid():
        with transaction.atomic():
            schedule = sponsor_review.set_weekly_updates(
                program=program, active=form.cleaned_data["active"], weekday=form.cleaned_data["weekday"]
            )
            record(
                request=request,
                action="set weekly sponsor updates",
                obj=schedule,
                details={"program": program.pk, "active": schedule.active, "weekday": schedule.weekday},
            )
        messages.success(request, _("The weekly update is saved."))
    else:
        messages.error(request, _("The weekly update could not be saved."))
    return redirect("lifecycle:versions", program_id=program.pk)


@friendly_dead_links
def sponsor_review_page(request, token):
    """The program officer's view of one version, marked with what changed since the previous one."""
    version = resolve_review_token(token)
    if version is None:
        raise DeadLink
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sponsor_review.add_comment(version=version, body=form.cleaned_data["body"])
        messages.success(request, _("Thank you, your comments are sent to the council."))
        return redirect("lifecycle:sponsor_review", token=token)
    sponsor_review.note_opened(version)
    return render(
        request,
        "lifecycle/sponsor_review.html",
        {
            "version": version,
            "program": version.program,
            "rows": sponsor_review.review_rows(version),
            "comments": version.comments.all(),
            "form": form,
        },
    )
