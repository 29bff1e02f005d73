from django.urls import path

from journeys import agency_views

app_name = "agency"

urlpatterns = [
    path("", agency_views.home, name="home"),
    path("programs/new/", agency_views.program_new, name="program_new"),
    path("programs/<int:national_program_id>/", agency_views.program, name="program"),
    path("programs/<int:national_program_id>/travellers/new/", agency_views.traveller_new, name="traveller_new"),
]
