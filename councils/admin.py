from django.contrib import admin

from councils.admin_scoping import CouncilScopedAdmin
from councils.models import Council, StaffMembership


@admin.register(Council)
class CouncilAdmin(CouncilScopedAdmin):
    council_lookup = "pk"
    list_display = ["name", "city", "time_zone"]

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        membership = getattr(request.user, "membership", None)
        return queryset.filter(pk=membership.council_id) if membership else queryset.none()

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(StaffMembership)
class StaffMembershipAdmin(CouncilScopedAdmin):
    list_display = ["user", "council", "role"]
    list_filter = ["role"]
