"""The Django admin is no second door: only a council's admins and superusers use it, each admin inside their council.

* Who may use the admin at all (``may_use_admin``): active superusers, and active users whose membership makes them
  their council's admin. Coordinators (and everyone else) are sent to the admin's sign-in page by the admin site
  itself (``admin_site_has_permission``, installed on ``admin.site`` by ``councils.admin``), and every scoped
  admin's permission methods refuse them again.
* What a council admin sees: each admin names the path from its model to the council (``council_lookup``).
  Querysets, and the choices of every foreign key and many-to-many field (users included: only the council's own
  accounts), are filtered by it, so nobody sees nor picks another council's rows. A related model with no known
  path to a council offers no choices at all.
* What nobody edits here: the models in ``READ_ONLY_MODELS`` change only through their services, which keep the
  item history, check conflicts, keep the itinerary in step and queue change notices (or, for the audit log, are
  never changed at all). The admin shows them to the council's admins; adding, changing and deleting them is
  refused to everyone, superusers included, in their admins and in any inline of them.
* Models of other apps (auth's users and groups, django-axes' sign-in records) are for superusers only
  (``SuperuserOnlyAdmin``).
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models

READ_ONLY_MODELS = frozenset(
    {
        "audit.AuditEvent",
        "meetings.ItineraryItem",
        "meetings.ItemChange",
        "meetings.MeetingRequest",
        "programs.Participant",
        "hospitality.Invitation",
        # A slot's counter of accepted hosts, its dinners on the guests' schedules and the seating follow the
        # hospitality services (save_slot, cancel_slot, accept, assign_guests); an edit here would bypass them.
        "hospitality.HospitalitySlot",
        "hospitality.GuestAssignment",
        "notifications.Notification",
        "notifications.PendingChange",
    }
)

# Paths to the council of related models that have no scoped admin of their own.
_EXTRA_LOOKUPS = {
    "lifecycle.TemplateTask": "template__council",
    "lifecycle.ChecklistTemplate": "council",
}


def membership_of(user):
    if not user.is_authenticated:
        return None
    return getattr(user, "membership", None)


def admin_council(user):
    """The council a user administers, or None (a coordinator, a user of no council, an inactive user)."""
    membership = membership_of(user)
    if membership is None or not membership.is_admin or not user.is_active:
        return None
    return membership.council


def may_use_admin(user):
    return user.is_active and (user.is_superuser or admin_council(user) is not None)


def admin_site_has_permission(request):
    """``AdminSite.has_permission`` for this project: a council's role decides, not ``is_staff``.

    Django's own check lets in every active user with ``is_staff``, and staff accounts of every role carry it here;
    a coordinator would then see the admin's index. With this check every admin URL sends them to the sign-in page.
    """
    return may_use_admin(request.user)


def is_read_only(model):
    return model._meta.label in READ_ONLY_MODELS


def _lookup_for(model):
    if model is get_user_model():
        return "membership__council"
    if model._meta.label in _EXTRA_LOOKUPS:
        return _EXTRA_LOOKUPS[model._meta.label]
    model_admin = admin.site._registry.get(model)
    return getattr(model_admin, "council_lookup", None)


def scoped_choices(db_field, request, kwargs):
    """``kwargs`` for a relation's form field, its choices limited to the requester's council."""
    if request.user.is_superuser:
        return kwargs
    related = db_field.related_model
    queryset = kwargs.get("queryset")
    if queryset is None:
        queryset = related._default_manager.all()
    lookup = _lookup_for(related)
    council = admin_council(request.user)
    if lookup is None or council is None:
        kwargs["queryset"] = queryset.none()
    else:
        kwargs["queryset"] = queryset.filter(**{lookup: council.pk}).distinct()
        if related is type(council) and db_field.name == "council":
            kwargs["initial"] = council
    return kwargs


# As the project's own forms: an address typed without a scheme is taken as https.
_FORMFIELD_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}


class CouncilScopedAdmin(admin.ModelAdmin):
    council_lookup = "council"
    formfield_overrides = _FORMFIELD_OVERRIDES
    # Every addition, change and deletion made here is written to the owning council's audit log as well, in the
    # admin's own transaction ("change contact in admin"). An admin that records its own events says False.
    audit_in_admin = True

    def _owning_council(self, obj):
        """The council ``obj`` belongs to, found along ``council_lookup``."""
        target = obj
        for part in self.council_lookup.split("__"):
            if part == "pk":
                break
            target = getattr(target, part)
        return target

    def _audit(self, request, verb, obj, message=""):
        if not self.audit_in_admin:
            return
        from audit.services import record  # the audit app's admin is scoped by this module

        record(
            request=request,
            action=f"{verb} {obj._meta.verbose_name} in admin",
            obj=obj,
            council=self._owning_council(obj),
            details={"change": str(message)} if message else None,
        )

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._audit(request, "add", obj, entry.get_change_message() if entry else "")
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._audit(request, "change", obj, entry.get_change_message() if entry else "")
        return entry

    def log_deletions(self, request, queryset):
        objects = list(queryset)  # before they are deleted: the events name them
        for obj in objects:
            self._audit(request, "delete", obj)
        return super().log_deletions(request, objects)

    def _council(self, request):
        return None if request.user.is_superuser else admin_council(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        council = self._council(request)
        if council is None:
            return queryset.none()
        return queryset.filter(**{self.council_lookup: council.pk}).distinct()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **scoped_choices(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **scoped_choices(db_field, request, kwargs))

    # Which rows: ``get_queryset`` (every object view and action takes its objects from it). Whether at all: below.

    def has_module_permission(self, request):
        return may_use_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return may_use_admin(request.user)

    def _may_edit(self, request):
        return not is_read_only(self.model) and may_use_admin(request.user)

    def has_add_permission(self, request):
        return self._may_edit(request)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request)


class CouncilScopedInline(admin.TabularInline):
    """Rows shown inside a scoped admin's form; the parent's queryset already keeps them in its council."""

    extra = 0
    formfield_overrides = _FORMFIELD_OVERRIDES

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **scoped_choices(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **scoped_choices(db_field, request, kwargs))

    def has_view_permission(self, request, obj=None):
        return may_use_admin(request.user)

    def _may_edit(self, request):
        return not is_read_only(self.model) and may_use_admin(request.user)

    def has_add_permission(self, request, obj=None):
        return self._may_edit(request)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request)


class SuperuserOnlyAdmin:
    """Mixed before another app's ``ModelAdmin``: only active superusers see or touch its model (and only as far
    as that admin lets them)."""

    def _superuser(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._superuser(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args, **kwargs):
        return self._superuser(request) and super().has_add_permission(request, *args, **kwargs)

    def has_change_permission(self, request, obj=None):
        return self._superuser(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._superuser(request) and super().has_delete_permission(request, obj)


def restrict_to_superusers(site, model):
    """Re-register ``model`` with its current admin class, made superuser-only."""
    current = type(site._registry[model])
    if issubclass(current, SuperuserOnlyAdmin):
        return
    site.unregister(model)
    site.register(model, type(f"SuperuserOnly{current.__name__}", (SuperuserOnlyAdmin, current), {}))
