"""What a personal link shows: one program, or a traveller's journey across the councils of a national program
(``journeys.visitor_journey``). The visitor pages read their title, days, stops, items and cache key from here,
whichever it is."""

from dataclasses import dataclass

from journeys import visitor_journey
from programs.models import Participant
from visitors.queries import group_participants, group_staff, schedule_items, stops_of


@dataclass
class LinkScope:
    holder: object
    journey: object = None  # visitor_journey.Journey, or None for one program

    @property
    def program(self):
        """The title and dates the pages show: the national program's on a journey."""
        return self.journey or self.holder.program

    def stops(self):
        if self.journey is not None:
            return visitor_journey.journey_stops(self.journey)
        return stops_of(self.holder.program)

    def items(self):
        if self.journey is not None:
            return visitor_journey.journey_items(self.journey)
        return schedule_items(self.holder)

    def prepare(self, items):
        """The items as the pages and the feed read them: on a journey, the legs between cities marked."""
        items = list(items)
        if self.journey is not None:
            return visitor_journey.mark_legs(self.journey, items)
        return items

    def passages_on(self, day):
        return visitor_journey.passages_on(self.journey, day) if self.journey is not None else []

    def version_parts(self):
        if self.journey is not None:
            return self.journey.version_parts()
        return [self.holder.program.council.data_version]

    def group_on(self, today, stops):
        """The program whose group the People page shows, and the holder's row in it: on a journey, the city
        the group is in today ("today" is the first day before the journey and the last after it), else the
        first city's."""
        if self.journey is None:
            program = self.holder.program
            return program, self.holder if isinstance(self.holder, Participant) else None
        if not self.journey.participants:
            return None, None
        here = next((stop for stop in stops if stop.covers(today.day)), None)
        row = (self.journey.row_in(here.program_id) if here else None) or self.journey.participants[0]
        return row.program, row

    def people(self, today, stops):
        program, me = self.group_on(today, stops)
        if program is None:
            return {"participants": [], "program_staff": [], "me": None}
        return {"participants": group_participants(program), "program_staff": group_staff(program), "me": me}


def scope_of(holder):
    """One query when the holder may be a traveller's row; none for program staff."""
    return LinkScope(holder=holder, journey=visitor_journey.journey_for(holder))
