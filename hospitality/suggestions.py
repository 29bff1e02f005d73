"""Who to invite to a slot, and how to seat the guests: rankings staff can follow or ignore."""

import dataclasses
import datetime as dt
import zoneinfo

from hospitality.queries import suggestion_candidates

# Never-hosted volunteers sort before anyone who has hosted ("least recent first").
_NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


def slot_local_date(slot):
    return slot.starts_at.astimezone(zoneinfo.ZoneInfo(slot.stop.time_zone)).date()


def _words(text):
    return {word.strip().lower() for word in text.replace(";", ",").split(",") if word.strip()}


def dietary_fit(need, accommodations):
    """True if a guest's dietary need (e.g. "vegetarian") is among what the household accommodates."""
    if not need.strip():
        return True
    offered = accommodations.lower()
    return all(word in offered for word in _words(need))


@dataclasses.dataclass
class Suggestion:
    volunteer: object
    shared_languages: list
    guests_speaking: int
    fits_capacity: bool
    dietary_fits: int
    last_hosted_at: object

    def sort_key(self):
        return (
            -self.guests_speaking,
            not self.fits_capacity,
            -self.dietary_fits,
            self.last_hosted_at or _NEVER,
            self.volunteer.household_name,
        )


def suggest_volunteers(slot, guests):
    """Volunteers to invite, best first.

    1. Candidates: active, vetted, available on the slot's local date, not invited to this slot.
    2. Rank by how many guests speak a language the household speaks, then whether the household takes
       ``guests_per_host`` guests, then how many guests' dietary needs it accommodates, then who hosted
       least recently (never first).
    """
    guest_languages = {guest.preferred_language for guest in guests}
    suggestions = []
    for volunteer in suggestion_candidates(slot, local_date=slot_local_date(slot)):
        spoken = set(volunteer.language_codes)
        suggestions.append(
            Suggestion(
                volunteer=volunteer,
                shared_languages=sorted(spoken & guest_languages),
                guests_speaking=sum(1 for guest in guests if guest.preferred_language in spoken),
                fits_capacity=volunteer.max_guests >= slot.guests_per_host,
                dietary_fits=sum(
                    1 for guest in guests if dietary_fit(guest.dietary_needs, volunteer.dietary_accommodations)
                ),
                last_hosted_at=volunteer.last_hosted_at,
            )
        )
    return sorted(suggestions, key=Suggestion.sort_key)


def table_size(slot, volunteer):
    return min(slot.guests_per_host, volunteer.max_guests)


def suggest_split(slot, *, hosts, guests, seated):
    """Seat the guests who have no table yet at the accepted hosts' free places.

    ``hosts`` are accepted invitations (with their volunteer), ``seated`` maps invitation id to the number of
    guests already at that table. Guests with dietary needs are placed first (they have fewer fitting tables);
    each goes to the table with a free place that fits their diet and speaks their language best, then the
    emptiest. Returns {invitation id: [participants]}; guests with no fitting free place are left out.
    """
    free = {host.pk: table_size(slot, host.volunteer) - seated.get(host.pk, 0) for host in hosts}
    split = {host.pk: [] for host in hosts}
    for guest in sorted(guests, key=lambda g: (not g.dietary_needs.strip(), g.pk)):
        options = [
            host
            for host in hosts
            if free[host.pk] > 0 and dietary_fit(guest.dietary_needs, host.volunteer.dietary_accommodations)
        ]
        if not options:
            continue
        best = min(
            options,
            key=lambda host: (guest.preferred_language not in host.volunteer.language_codes, -free[host.pk], host.pk),
        )
        split[best.pk].append(guest)
        free[best.pk] -= 1
    return {pk: seated_guests for pk, seated_guests in split.items() if seated_guests}
