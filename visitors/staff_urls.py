from django.urls import path

from visitors import staff_views

app_name = "links"

urlpatterns = [
    path("program/<int:program_id>/", staff_views.program_links, name="program"),
    path("<slug:kind>/<int:pk>/email/", staff_views.email_link, name="email"),
    path("<slug:kind>/<int:pk>/revoke/", staff_views.revoke_link, name="revoke"),
    path("<slug:kind>/<int:pk>/reissue/", staff_views.reissue_link, name="reissue"),
]
