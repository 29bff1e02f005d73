"""The calendar feed of a link holder. Built by the app's one iCalendar builder, ``notifications.ics`` (events in
the stop's zone, stable UIDs, the item's SEQUENCE), so that the feed, the daily schedule's file and the hosts'
invitations never give the same UID different content. These names stay importable from here."""

from notifications.ics import build_calendar, item_location, item_uid, site_host, visitor_description

__all__ = ["build_calendar", "item_location", "item_uid", "site_host", "visitor_description"]
