"""Admin classes that keep staff inside their own council.

Each admin names the path from its model to the council (``council_lookup``). Querysets, and the choices of every
foreign key and many-to-many field, are filtered by it, so staff neither see nor pick another council's rows.
"""

from django.contrib import admin

from councils.access import council_of


def _lookup_for(model):
    model_admin = admin.site._registry.get(model)
    return getattr(model_admin, "council_lookup", None)


class CouncilScopedAdmin(admin.ModelAdmin):
    council_lookup = "council"

    def _council(self, request):
        return None if request.user.is_superuser else council_of(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        council = self._council(request)
        if council is None:
            return queryset.none()
        return queryset.filter(**{self.council_lookup: council}).distinct()

    def _scope_field(self, db_field, request, kwargs):
        if request.user.is_superuser:
            return kwargs
        lookup = _lookup_for(db_field.related_model)
        if lookup:
            council = self._council(request)
            queryset = kwargs.get("queryset") or db_field.related_model._default_manager.all()
            kwargs["queryset"] = queryset.filter(**{lookup: council}) if council else queryset.none()
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "council" and not request.user.is_superuser:
            council = self._council(request)
            kwargs["queryset"] = db_field.related_model.objects.filter(pk=getattr(council, "pk", None))
            kwargs["initial"] = council
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **self._scope_field(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._scope_field(db_field, request, kwargs))

    def has_module_permission(self, request):
        return request.user.is_superuser or council_of(request.user) is not None

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


class CouncilScopedInline(admin.TabularInline):
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            lookup = _lookup_for(db_field.related_model)
            council = council_of(request.user)
            if lookup:
                kwargs["queryset"] = db_field.related_model._default_manager.filter(**{lookup: council})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or council_of(request.user) is not None

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission
