from django.urls import path

from visitors import views

app_name = "visitors"

urlpatterns = [
    path("<str:token>/", views.today, name="today"),
]
