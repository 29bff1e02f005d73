from django.urls import path

from meetings import request_views

app_name = "meeting_requests"

urlpatterns = [
    path("program/<int:program_id>/", request_views.request_list, name="list"),
    path("item/<int:item_id>/new/", request_views.new, name="new"),
    path("<int:request_id>/accept-proposal/", request_views.accept_proposal, name="accept_proposal"),
    path("<int:request_id>/withdraw/", request_views.withdraw, name="withdraw"),
    path("answer/<str:token>/", request_views.respond, name="respond"),
]
