"""Saving programs from the staff pages."""

from django.db import transaction

from hospitality import services as hospitality_services
from lifecycle.services import sync_checklist
from meetings import services as item_services


def save_program(*, council, program_form, stop_formset, user=None):
    """Save a valid program form and its stops together, then give the program its checklist (or move it).

    A stop whose time zone changed with "keep the local times" chosen (``StopForm.keeps_local_times``) has its
    items and hospitality slots moved in UTC so that they read the same on the new clock; with "keep the moments"
    nothing moves.
    """
    with transaction.atomic():
        program = program_form.save(commit=False)
        program.council = council
        program.save()
        stop_formset.instance = program
        stop_formset.save()
        for form in stop_formset.forms:
            if form.instance.pk and getattr(form, "keeps_local_times", False):
                old_time_zone = form.saved_time_zone
                hospitality_services.keep_local_times(stop=form.instance, old_time_zone=old_time_zone)
                item_services.keep_local_times(stop=form.instance, old_time_zone=old_time_zone, actor=user)
        sync_checklist(program)
    return program
