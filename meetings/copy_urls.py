from django.urls import path

from meetings import copy_views

app_name = "copying"

urlpatterns = [
    path("item/<int:item_id>/", copy_views.copy_item, name="item"),
    path("program/<int:program_id>/day/<str:day>/", copy_views.copy_day, name="day"),
    path("program/<int:program_id>/", copy_views.copy_program, name="program"),
]
