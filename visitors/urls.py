from django.urls import path

from visitors import views

app_name = "visitors"

urlpatterns = [
    path("sw.js", views.service_worker, name="service_worker"),
    path("<str:token>/", views.today, name="today"),
    path("<str:token>/program/", views.program, name="program"),
    path("<str:token>/people/", views.people, name="people"),
    path("<str:token>/calendar.ics", views.calendar, name="calendar"),
    path("<str:token>/language/", views.language, name="language"),
]
