from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.log, name="log"),
    path("people/<str:kind>/<int:person_id>/", views.person, name="person"),
    path("<str:kind>/<int:person_id>/export/", views.export, name="export"),
    path("<str:kind>/<int:person_id>/erase/", views.erase, name="erase"),
]
