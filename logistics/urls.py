from django.urls import path

from logistics import views

app_name = "logistics"

urlpatterns = [
    path("programs/<int:program_id>/", views.program, name="program"),
    path("stops/<int:stop_id>/hotel/", views.stop_hotel, name="stop_hotel"),
    path("programs/<int:program_id>/flights/new/<str:direction>/", views.flight_new, name="flight_new"),
    path("flights/<int:flight_id>/", views.flight_edit, name="flight_edit"),
    path("flights/<int:flight_id>/delete/", views.flight_remove, name="flight_delete"),
    path("programs/<int:program_id>/vendors/<int:vendor_id>/", views.vendor_sheet, name="vendor_sheet"),
    path(
        "programs/<int:program_id>/vendors/<int:vendor_id>/sheet.pdf", views.vendor_sheet_pdf, name="vendor_sheet_pdf"
    ),
    path("programs/<int:program_id>/publication.csv", views.publication_csv, name="publication_csv"),
]
