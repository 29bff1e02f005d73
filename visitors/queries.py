"""What the visitor pages read. Each function owns its joins, so a page's query count does not grow with rows."""

from meetings.enums import ItemStatus
from meetings.queries import items_for_participant, items_for_program
from programs.models import Participant, ProgramStaffMember, Stop

# Items a visitor sees: what is settled, and what was settled and then cancelled (it stays visible as cancelled).
# Ideas, open requests and declined requests are staff work in progress.
VISIBLE_STATUSES = (ItemStatus.CONFIRMED, ItemStatus.THANKED, ItemStatus.CANCELLED)


def sees_group_view(holder):
    """Interpreters, escorts and liaisons travel with everyone and see every item of the program."""
    return isinstance(holder, ProgramStaffMember)


def schedule_items(holder):
    """The items a link holder may see, in time order, with what the visitor pages show already joined."""
    if sees_group_view(holder):
        queryset = items_for_program(holder.program)
    else:
        queryset = items_for_participant(holder)
    return queryset.filter(status__in=VISIBLE_STATUSES)


def stops_of(program):
    return list(Stop.objects.filter(program=program).order_by("start_date", "pk"))


def group_participants(program):
    return Participant.objects.filter(program=program).order_by("last_name", "first_name", "pk")


def group_staff(program):
    return ProgramStaffMember.objects.filter(program=program).order_by("role", "name", "pk")
