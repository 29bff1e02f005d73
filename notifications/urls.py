from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:notification_id>/", views.detail, name="detail"),
    path("<int:notification_id>/html/", views.detail_html, name="detail_html"),
    path("<int:notification_id>/resend/", views.resend, name="resend"),
    path("preview/", views.preview, name="preview"),
    path("preview/html/", views.preview_html, name="preview_html"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # A host contact's or volunteer's link in a change notice or calendar invitation: still fine, or another time.
    path("meeting/<str:token>/", views.acknowledge, name="acknowledge"),
]
