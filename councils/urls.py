from django.urls import path

from councils import views

app_name = "councils"

urlpatterns = [
    path("settings/", views.settings, name="settings"),
]
