from django.urls import path

from directory import spreadsheet_views, views

app_name = "directory"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("organizations/<int:organization_id>/", views.organization, name="organization"),
    path("contacts/export.<str:format>", spreadsheet_views.contacts_export, name="contacts_export"),
    path("contacts/import/", spreadsheet_views.contacts_import, name="contacts_import"),
    path("venues/export.<str:format>", spreadsheet_views.venues_export, name="venues_export"),
    path("venues/import/", spreadsheet_views.venues_import, name="venues_import"),
]
