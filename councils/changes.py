"""The council's data version: a number that moves with every change to what the council's pages show.

Content that is costly to build (the dashboard, the calendar data, a visitor's Today page and feed, conflict
judgements) is kept in the cache under it (``exchange.page_cache``), after the request has decided who is asking:
the version is read in that same query (the council comes with the staff member or the link holder).

Saving or deleting any model the pages read moves it (the signal receivers below). Bulk writes send no signals:
code that writes with ``QuerySet.update()`` or ``bulk_create()`` calls ``note_change`` itself. The version moves
inside the transaction of the change, by an UPDATE of the council's row: it commits with the change or not at all,
so no committed change can be left under an old version (not even by a process that dies right after COMMIT).
Concurrent writers of one council queue on that row until the first commits, which also keeps versions in commit
order: whoever reads version N reads every change that moved the version up to N.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from councils.models import Council, StaffMembership


class _Moved:
    """Left among the transaction's on-commit callbacks once the council's version has moved in it: Django drops it
    with a rolled-back savepoint or transaction (and the UPDATE with it), and runs it at commit."""

    def __init__(self, council_id):
        self.council_id = council_id
        self.committed = False

    def __call__(self):
        self.committed = True


def _moved_in_this_transaction(connection, council_id):
    return any(
        isinstance(callback, _Moved) and callback.council_id == council_id and not callback.committed
        for _, callback, _ in connection.run_on_commit
    )


def note_change(council_id):
    """Move the council's data version, in the current transaction: once however many rows the transaction
    writes (the first write takes the council's row lock; the later ones would only repeat the UPDATE)."""
    if council_id is None:
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block and _moved_in_this_transaction(connection, council_id):
        return
    Council.objects.filter(pk=council_id).update(data_version=F("data_version") + 1)
    transaction.on_commit(_Moved(council_id))


def current_version(council_id):
    """The council's data version as this transaction sees it (one query)."""
    return Council.objects.filter(pk=council_id).values_list("data_version", flat=True).first()


def _through(obj, relation, path):
    """The council id at ``path`` from the object's ``relation`` (a foreign key), read from the related object if
    it is already loaded, else in one narrow query."""
    cached = obj._state.fields_cache.get(relation)
    if cached is not None and "__" not in path:
        return getattr(cached, path)
    pk = getattr(obj, f"{relation}_id")
    if pk is None:
        return None
    model = obj._meta.get_field(relation).related_model
    # A parent deleted in the same cascade has nothing left to read; its own deletion moves the version.
    return model._default_manager.filter(pk=pk).values_list(path, flat=True).first()


def _by_user(user):
    return StaffMembership.objects.filter(user_id=user.pk).values_list("council_id", flat=True).first()


# Every model a council's pages read, and how an instance leads to its council. ``tests/councils/
# test_changes.py`` fails for a model of the project's apps that is neither here nor in ``UNTRACKED``.
TRACKED = {
    "councils.Council": lambda obj: obj.pk,
    "councils.StaffMembership": lambda obj: obj.council_id,
    "programs.Sponsor": lambda obj: obj.council_id,
    "programs.Program": lambda obj: obj.council_id,
    "programs.Stop": lambda obj: _through(obj, "program", "council_id"),
    "programs.Participant": lambda obj: _through(obj, "program", "council_id"),
    "programs.ProgramStaffMember": lambda obj: _through(obj, "program", "council_id"),
    "directory.HostOrganization": lambda obj: obj.council_id,
    "directory.Contact": lambda obj: _through(obj, "organization", "council_id"),
    "directory.Venue": lambda obj: obj.council_id,
    "meetings.ItineraryItem": lambda obj: _through(obj, "program", "council_id"),
    "meetings.MeetingRequest": lambda obj: _through(obj, "item", "program__council_id"),
    "logistics.Hotel": lambda obj: obj.council_id,
    "logistics.HotelBooking": lambda obj: _through(obj, "stop", "program__council_id"),
    "logistics.Flight": lambda obj: _through(obj, "participant", "program__council_id"),
    "logistics.TransportVendor": lambda obj: obj.council_id,
    "hospitality.Volunteer": lambda obj: obj.council_id,
    "hospitality.VolunteerAvailability": lambda obj: _through(obj, "volunteer", "council_id"),
    "hospitality.HospitalitySlot": lambda obj: _through(obj, "program", "council_id"),
    "hospitality.Invitation": lambda obj: _through(obj, "slot", "program__council_id"),
    "hospitality.GuestAssignment": lambda obj: _through(obj, "slot", "program__council_id"),
    "lifecycle.ChecklistTemplate": lambda obj: obj.council_id,
    "lifecycle.TemplateTask": lambda obj: _through(obj, "template", "council_id"),
    "lifecycle.ProgramTask": lambda obj: _through(obj, "program", "council_id"),
    "lifecycle.ItineraryVersion": lambda obj: _through(obj, "program", "council_id"),
    "lifecycle.SponsorComment": lambda obj: _through(obj, "version", "program__council_id"),
    "lifecycle.WeeklySponsorUpdate": lambda obj: _through(obj, "program", "council_id"),
    "lifecycle.Feedback": lambda obj: _through(obj, "program", "council_id"),
    # An invitation to build a segment shows on the invited council's dashboard.
    "journeys.Segment": lambda obj: obj.council_id,
}

# Models no cached page reads: the outbox, the audit trail and the edit history (written with the change they
# record, which moves the version itself).
UNTRACKED = {
    "notifications.Notification",
    "notifications.PendingChange",
    # Hosts' "still fine": read by the item page, which is not cached.
    "notifications.Acknowledgement",
    "audit.AuditEvent",
    "meetings.ItemChange",
    # API tokens: their page is never cached, and the API reads each request's token from the database.
    "api.ApiToken",
    # Webhook endpoints: their pages are never cached, and each event reads them from the database.
    "webhooks.WebhookEndpoint",
    # The agency's side of a journey and the pages that cross councils (journey, agency) are never cached; what a
    # council's cached pages show of a journey (its invitations, its own program) moves its version by itself.
    "journeys.Agency",
    "journeys.AgencyMembership",
    "journeys.NationalProgram",
    "journeys.Traveller",
    "journeys.HandOver",
    # What passes between the agency and a council (received files, itinerary versions, the agency's edits and
    # their decisions): read only by the exchange pages, which are never cached.
    "agency_exchange.ReceivedVersion",
    "agency_exchange.TravellerArrival",
    "agency_exchange.Room",
    "agency_exchange.ItineraryVersion",
    "agency_exchange.AgencyEdit",
    "agency_exchange.ProposedChange",
}

# Writes that change nothing a page shows: the time of a visitor's last look (written at most once a minute by
# the visitor pages themselves) and of a staff member's last sign-in.
UNSHOWN_FIELDS = {
    "programs.Participant": {"last_seen_at"},
    "programs.ProgramStaffMember": {"last_seen_at"},
}


def _saved(sender, instance, update_fields=None, **kwargs):
    label = sender._meta.label
    if update_fields and set(update_fields) <= UNSHOWN_FIELDS.get(label, set()):
        return
    note_change(TRACKED[label](instance))


def _deleted(sender, instance, **kwargs):
    note_change(TRACKED[sender._meta.label](instance))


def _user_saved(sender, instance, update_fields=None, **kwargs):
    # Staff names show on the dashboard; a sign-in only writes ``last_login``.
    if update_fields and set(update_fields) <= {"last_login"}:
        return
    note_change(_by_user(instance))


def _item_people_changed(sender, instance, action, pk_set, model, reverse, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        note_change(_through(instance, "program", "council_id"))
        return
    # From the other side (a contact's or participant's items): the instance belongs to the council itself.
    note_change(TRACKED[instance._meta.label](instance))


def connect():
    """Called from ``CouncilsConfig.ready``."""
    for label in TRACKED:
        model = apps.get_model(label)
        post_save.connect(_saved, sender=model, dispatch_uid=f"council-change-save-{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"council-change-delete-{label}")
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="council-change-user")
    item = apps.get_model("meetings.ItineraryItem")
    for through in (item.participants.through, item.contacts.through):
        m2m_changed.connect(_item_people_changed, sender=through, dispatch_uid=f"council-change-{through._meta.label}")
