from django.urls import path

from directory import views

app_name = "directory"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("organizations/<int:organization_id>/", views.organization, name="organization"),
]
