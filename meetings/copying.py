"""Reuse: copy an item, a day or a whole program (as a template for a new delegation, shifted in time).

Copies keep wall-clock times in the stop's zone: a 09:00 meeting copied across a daylight-saving change is still
at 09:00 local (its UTC instant moves). A copy is a fresh idea: status ``idea``, version 1, no requests, no
conflict override; its history starts with where it was copied from (``meetings.services.create_copies``). A
program copy has no participants and no program staff.
"""

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lifecycle.services import sync_checklist
from meetings import services as item_services
from meetings.enums import ItemStatus
from meetings.models import ItineraryItem
from programs.enums import ProgramStatus
from programs.models import Program, Stop

# Content a copy carries; status, history, requests, version and override reasons are never copied.
_COPIED_FIELDS = (
    "kind",
    "title",
    "venue_id",
    "host_organization_id",
    "topic",
    "objectives",
    "whole_group",
    "interpreter_id",
    "transport_vendor_id",
    "pickup_location",
    "dress_code",
    "what_to_bring",
    "visitor_notes",
    "internal_notes",
)


def local_date(value, time_zone):
    return value.astimezone(zoneinfo.ZoneInfo(time_zone)).date()


def shift_local(value, *, time_zone, days, to_time_zone=None):
    """``value`` moved by whole days at the same wall-clock time (DST-safe): read on the clock of ``time_zone``,
    set on the clock of ``to_time_zone`` (the same zone by default; another stop's when copying to it)."""
    if value is None:
        return None
    zone = zoneinfo.ZoneInfo(time_zone)
    naive = value.astimezone(zone).replace(tzinfo=None) + dt.timedelta(days=days)
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(to_time_zone or time_zone))


def _stop_for(stops, day, preferred=None):
    if preferred is not None and preferred.covers(day):
        return preferred
    return next((stop for stop in stops if stop.covers(day)), None)


def _new_item(source, *, program, stop, starts_at, ends_at, pickup_at, keep_people):
    copy = ItineraryItem(
        program=program,
        stop=stop,
        status=ItemStatus.IDEA,
        starts_at=starts_at,
        ends_at=ends_at,
        pickup_at=pickup_at,
        **{field: getattr(source, field) for field in _COPIED_FIELDS},
    )
    # The related objects already read with the source, so that recording the copy reads nothing again.
    for relation in ("venue", "host_organization", "transport_vendor", "interpreter"):
        if getattr(source, f"{relation}_id") is not None:
            setattr(copy, relation, getattr(source, relation))
    if not keep_people:
        copy.whole_group = True
        copy.interpreter = None
    return copy


def _source_items(queryset):
    # What the copies' history shows is read with the sources: the copies share their places, hosts and people.
    return (
        queryset.select_related("stop", "venue", "host_organization", "interpreter", "transport_vendor")
        .prefetch_related("contacts", "participants")
        .order_by("starts_at", "pk")
    )


def copy_item(*, item, starts_at):
    """A copy of ``item`` in the same program starting at ``starts_at``; it ends after the same wall-clock length."""
    stops = list(item.program.stops.all())
    new_day = local_date(starts_at, item.stop.time_zone)
    stop = _stop_for(stops, new_day, preferred=item.stop)
    if stop is None:
        raise ValidationError(_("No stop of the program covers %(day)s.") % {"day": new_day.isoformat()})
    zone = zoneinfo.ZoneInfo(stop.time_zone)
    new_start_local = starts_at.astimezone(zone).replace(tzinfo=None)
    old_start_local = item.starts_at.astimezone(zone).replace(tzinfo=None)
    length = item.ends_at.astimezone(zone).replace(tzinfo=None) - old_start_local
    pickup_at = None
    if item.pickup_at is not None:
        pickup_at = (
            new_start_local - (old_start_local - item.pickup_at.astimezone(zone).replace(tzinfo=None))
        ).replace(tzinfo=zone)
    copy = _new_item(
        item,
        program=item.program,
        stop=stop,
        starts_at=new_start_local.replace(tzinfo=zone),
        ends_at=(new_start_local + length).replace(tzinfo=zone),
        pickup_at=pickup_at,
        keep_people=True,
    )
    with transaction.atomic():
        source = _source_items(ItineraryItem.objects.filter(pk=item.pk)).get()
        [created] = item_services.create_copies([(source, copy)], keep_people=True)
    return created


def items_on_day(program, day):
    """The program's items (not cancelled) that start on ``day`` in their stop's local time."""
    window = ItineraryItem.objects.filter(
        program=program,
        starts_at__gte=dt.datetime.combine(day - dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC),
        starts_at__lt=dt.datetime.combine(day + dt.timedelta(days=2), dt.time.min, tzinfo=dt.UTC),
    ).exclude(status=ItemStatus.CANCELLED)
    return [item for item in _source_items(window) if local_date(item.starts_at, item.stop.time_zone) == day]


def stop_covering(program, day):
    """The one stop of ``program`` that covers ``day``; raises ValidationError when none does, or when two do (a
    travel day) and staff must choose."""
    covering = [stop for stop in program.stops.all() if stop.covers(day)]
    if not covering:
        raise ValidationError(_("No stop of the program covers %(day)s.") % {"day": day.isoformat()})
    if len(covering) > 1:
        raise ValidationError(
            _("Several stops cover %(day)s (%(cities)s): choose the stop to copy to.")
            % {"cities": ", ".join(stop.city for stop in covering), "day": day.isoformat()}
        )
    return covering[0]


def copy_day(*, program, day, to_day, to_stop=None):
    """Every item of ``day`` copied onto ``to_day`` at ``to_stop`` (by default the stop covering that day), at the
    same local times: 09:00 on the source stop's clock is 09:00 on the clock of ``to_stop``."""
    if day == to_day:
        raise ValidationError(_("Choose another day to copy to."))
    if to_stop is None:
        to_stop = stop_covering(program, to_day)
    elif to_stop.program_id != program.pk:
        raise ValidationError(_("Choose a stop of this program."))
    elif not to_stop.covers(to_day):
        raise ValidationError(_("%(city)s does not cover %(day)s.") % {"city": to_stop.city, "day": to_day.isoformat()})
    sources = items_on_day(program, day)
    if not sources:
        raise ValidationError(_("There is nothing to copy on %(day)s.") % {"day": day.isoformat()})
    days = (to_day - day).days
    pairs = []
    for source in sources:
        shifted = {
            name: shift_local(
                getattr(source, name), time_zone=source.stop.time_zone, days=days, to_time_zone=to_stop.time_zone
            )
            for name in ("starts_at", "ends_at", "pickup_at")
        }
        pairs.append((source, _new_item(source, program=program, stop=to_stop, keep_people=True, **shifted)))
    with transaction.atomic():
        return item_services.create_copies(pairs, keep_people=True)


def copy_program(*, program, title, arrival_date, user=None):
    """A new draft program for another delegation: same stops, hotels and items, shifted to ``arrival_date``.

    Items keep their local times; they become ideas with the whole group, no interpreter and no requests.
    """
    days = (arrival_date - program.arrival_date).days
    with transaction.atomic():
        copy = Program.objects.create(
            council=program.council,
            title=title,
            program_type=program.program_type,
            sponsor=program.sponsor,
            program_officer_name=program.program_officer_name,
            program_officer_email=program.program_officer_email,
            theme=program.theme,
            objectives=program.objectives,
            arrival_date=arrival_date,
            departure_date=program.departure_date + dt.timedelta(days=days),
            status=ProgramStatus.DRAFT,
            has_home_hospitality=program.has_home_hospitality,
            coordinator=user or program.coordinator,
        )
        stops = {}
        for stop in program.stops.order_by("start_date"):
            stops[stop.pk] = Stop.objects.create(
                program=copy,
                city=stop.city,
                region=stop.region,
                start_date=stop.start_date + dt.timedelta(days=days),
                end_date=stop.end_date + dt.timedelta(days=days),
                time_zone=stop.time_zone,
                hotel_id=stop.hotel_id,
            )
        sources = _source_items(ItineraryItem.objects.filter(program=program).exclude(status=ItemStatus.CANCELLED))
        pairs = []
        for source in sources:
            stop = stops[source.stop_id]
            shifted = {
                name: shift_local(getattr(source, name), time_zone=stop.time_zone, days=days)
                for name in ("starts_at", "ends_at", "pickup_at")
            }
            pairs.append((source, _new_item(source, program=copy, stop=stop, keep_people=False, **shifted)))
        item_services.create_copies(pairs, keep_people=False)
        sync_checklist(copy)
    return copy
