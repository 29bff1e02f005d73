from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from exchange import favicon, health

urlpatterns = [
    path("health/", health.health, name="health"),
    path("health/ping/", health.ping, name="ping"),
    path("favicon.ico", favicon.favicon, name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("outbox/", include("notifications.urls")),
    path("itinerary/", include("meetings.urls")),
    path("requests/", include("meetings.request_urls")),
    path("copy/", include("meetings.copy_urls")),
    path("book/", include("programs.book_urls")),
    path("directory/", include("directory.urls")),
    path("hospitality/", include("hospitality.urls")),
    path("v/", include("visitors.urls")),
    path("lifecycle/", include("lifecycle.urls")),
    path("logistics/", include("logistics.urls")),
    path("links/", include("visitors.staff_urls")),
    path("audit/", include("audit.urls")),
    path("api/", include("api.urls")),
    path("council/webhooks/", include("webhooks.urls")),
    path("council/", include("councils.urls")),
    path("journeys/", include("journeys.urls")),
    path("agency/", include("journeys.agency_urls")),
    path("agency-exchange/", include("agency_exchange.urls")),
    path("", include("programs.urls")),
]
