from django.contrib import admin

from audit.services import record
from councils.admin_scoping import (
    CouncilScopedAdmin,
    admin_site_has_permission,
    restrict_to_superusers,
)
from councils.models import Council, StaffMembership

# The project has one admin site, Django's default. Its own check lets in any active user with ``is_staff``, which
# staff accounts of every role carry; here only a council's admins and superusers get in (see admin_scoping).
admin.site.has_permission = admin_site_has_permission

# Every admin registered before this module (django.contrib.auth's users and groups, django-axes' sign-in
# records) is another app's: superusers only. A council admin must not edit accounts (flags, passwords, groups).
for _model, _model_admin in list(admin.site._registry.items()):
    if not isinstance(_model_admin, CouncilScopedAdmin):
        restrict_to_superusers(admin.site, _model)


@admin.register(Council)
class CouncilAdmin(CouncilScopedAdmin):
    """A council's admins view and change their own council; only a superuser adds or deletes one."""

    council_lookup = "pk"
    audit_in_admin = False  # ``save_model`` records the edit with the fields changed
    list_display = ["name", "city", "time_zone"]

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            record(
                request=request,
                action="edit council in admin",
                obj=obj,
                council=obj,
                details={"fields": form.changed_data},
            )


@admin.register(StaffMembership)
class StaffMembershipAdmin(CouncilScopedAdmin):
    """A council's admins set the roles of their council's staff (never their own: no admin demotes themselves
    by accident, so a council keeps one) and may remove a member. Adding a membership is a superuser's: it is
    where an account (created by a superuser) joins a council, and a council admin may only pick their own
    council's accounts, which all have a membership already."""

    list_display = ["user", "council", "role"]
    list_filter = ["role"]
    audit_in_admin = False  # ``save_model`` and the deletions record their own events

    def _own(self, request, obj):
        return obj is not None and obj.user_id == request.user.pk

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly.append("council")
            if self._own(request, obj):
                readonly.append("role")
        return readonly

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        if self._own(request, obj) and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(
            request=request,
            action="change staff membership in admin" if change else "add staff membership in admin",
            obj=obj,
            council=obj.council,
            details={"fields": form.changed_data, "role": obj.role},
        )

    def delete_model(self, request, obj):
        record(request=request, action="remove staff membership in admin", obj=obj, council=obj.council)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("council", "user"):
            record(
                request=request, action="remove staff membership in admin", obj=membership, council=membership.council
            )
        super().delete_queryset(request, queryset)
