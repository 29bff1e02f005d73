from django.urls import path

from agency_exchange import views

app_name = "agency_exchange"

urlpatterns = [
    path("programs/<int:national_program_id>/", views.program, name="program"),
    path("received/<int:received_id>/", views.received_version, name="received"),
    path("received/<int:received_id>/apply/", views.apply, name="apply"),
    path("segments/<int:segment_id>/", views.segment, name="segment"),
    path("segments/<int:segment_id>/send/", views.send_version, name="send"),
    path("segments/<int:segment_id>/edits/", views.edit_upload, name="edit_upload"),
    path("versions/<int:agency_version_id>/", views.version, name="version"),
    path("versions/<int:agency_version_id>/export.<str:format>", views.version_export, name="version_export"),
    path("edits/<int:edit_id>/", views.edit, name="edit"),
    path("changes/<int:change_id>/decide/", views.decide, name="decide"),
]
