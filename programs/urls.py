from django.urls import path

from programs import spreadsheet_views, views

app_name = "programs"

urlpatterns = [
    path("", views.home, name="home"),
    path("programs/new/", views.program_new, name="program_new"),
    path("programs/<int:program_id>/", views.program_detail, name="program"),
    path("programs/<int:program_id>/edit/", views.program_edit, name="program_edit"),
    # The delegation (``person_id``: a participant of that program, as in the audit app's personal-data URLs)
    path("programs/<int:program_id>/participants/", views.participant_list, name="participants"),
    path("programs/<int:program_id>/participants/new/", views.participant_new, name="participant_new"),
    path(
        "programs/<int:program_id>/participants/export.<str:format>",
        spreadsheet_views.participant_export,
        name="participant_export",
    ),
    path(
        "programs/<int:program_id>/participants/import/",
        spreadsheet_views.participant_import_page,
        name="participant_import",
    ),
    path(
        "programs/<int:program_id>/participants/<int:person_id>/edit/",
        views.participant_edit,
        name="participant_edit",
    ),
    path(
        "programs/<int:program_id>/participants/<int:person_id>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
]
