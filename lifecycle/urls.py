from django.urls import path

from lifecycle import feedback_views, review_views, statistics_views, views

app_name = "lifecycle"

urlpatterns = [
    path("due/", views.due, name="due"),
    path("programs/<int:program_id>/", views.checklist, name="checklist"),
    path("tasks/<int:task_id>/done/", views.complete, name="complete"),
    path("tasks/<int:task_id>/reopen/", views.reopen, name="reopen"),
    path("programs/<int:program_id>/messages/<slug:message>/", views.prepared_message, name="prepared_message"),
    path("templates/", views.templates, name="templates"),
    path("templates/<slug:program_type>/", views.edit_template, name="edit_template"),
    path("programs/<int:program_id>/versions/", review_views.versions, name="versions"),
    path("programs/<int:program_id>/weekly-update/", review_views.weekly_update, name="weekly_update"),
    path("versions/<int:version_id>/", review_views.version_detail, name="version_detail"),
    path("versions/<int:version_id>/approve/", review_views.approve, name="approve"),
    path("versions/<int:version_id>/revoke/", review_views.revoke, name="revoke"),
    path("review/<str:token>/", review_views.sponsor_review_page, name="sponsor_review"),
    path("programs/<int:program_id>/feedback/", feedback_views.feedback_list, name="feedback_list"),
    path("feedback/<str:token>/", feedback_views.feedback_form, name="feedback_form"),
    path("statistics/", statistics_views.statistics, name="statistics"),
    path("statistics.csv", statistics_views.statistics_csv, name="statistics_csv"),
]
