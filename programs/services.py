"""Saving programs from the staff pages."""

from django.db import transaction

from lifecycle.services import sync_checklist


def save_program(*, council, program_form, stop_formset):
    """Save a valid program form and its stops together, then give the program its checklist (or move it)."""
    with transaction.atomic():
        program = program_form.save(commit=False)
        program.council = council
        program.save()
        stop_formset.instance = program
        stop_formset.save()
        sync_checklist(program)
    return program
