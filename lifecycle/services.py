"""The rhythm of a program: checklists, sponsor review, thank-yous."""


def sync_checklist(program):
    """Give ``program`` the tasks of its type's checklist, or move their due dates after its dates changed.

    Called by whatever creates or edits a program (staff pages, the admin, copying a program).
    """
    return None
