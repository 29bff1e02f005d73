from django.urls import path

from journeys import views

app_name = "journeys"

urlpatterns = [
    path("<int:national_program_id>/", views.journey, name="journey"),
    path("segments/<int:segment_id>/answer/", views.answer, name="answer"),
    path("segments/<int:segment_id>/hand-over/", views.hand_over, name="hand_over"),
    path("segments/<int:segment_id>/hand-over/read/", views.hand_over_read, name="hand_over_read"),
    path("segments/<int:segment_id>/state/", views.segment_state, name="segment_state"),
]
