from django.urls import path

from programs import book_views

app_name = "book"

urlpatterns = [
    path("<int:program_id>/", book_views.book_html, name="html"),
    path("<int:program_id>/pdf/", book_views.book_pdf, name="pdf"),
]
