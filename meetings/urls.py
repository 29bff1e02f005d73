from django.urls import path

from meetings import day_views, views

app_name = "meetings"

urlpatterns = [
    path("<int:program_id>/calendar/", views.calendar, name="calendar"),
    path("<int:program_id>/calendar/events/", views.calendar_events, name="calendar_events"),
    path("<int:program_id>/agenda/", views.agenda, name="agenda"),
    # The escort's day on a phone: now and next, whom to call, running late
    path("<int:program_id>/today/", day_views.today, name="today"),
    path("<int:program_id>/today/running-late/", day_views.running_late, name="running_late"),
    path("<int:program_id>/items/new/", views.item_new, name="item_new"),
    path("<int:program_id>/contacts/", views.contact_search, name="contact_search"),
    path("items/<int:item_id>/", views.item_detail, name="item"),
    path("items/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:item_id>/move/", views.item_move, name="item_move"),
]
