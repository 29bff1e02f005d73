from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import token_views, views

app_name = "api"

router = SimpleRouter(use_regex_path=False)
router.register("programs", views.ProgramViewSet, basename="program")
router.register("participants", views.ParticipantViewSet, basename="participant")
router.register("items", views.ItemViewSet, basename="item")
router.register("host-organizations", views.HostOrganizationViewSet, basename="host_organization")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("venues", views.VenueViewSet, basename="venue")
router.register("volunteers", views.VolunteerViewSet, basename="volunteer")
router.register("hospitality-slots", views.HospitalitySlotViewSet, basename="hospitality_slot")
router.register("invitations", views.InvitationViewSet, basename="invitation")
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = [
    # The council admin's tokens (a staff page)
    path("tokens/", token_views.tokens, name="tokens"),
    path("tokens/<int:api_token_id>/revoke/", token_views.token_revoke, name="token_revoke"),
    # The description of the API and its readable documentation: open to all, they show no council's data
    path("schema/", SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", authentication_classes=[], permission_classes=[]),
        name="docs",
    ),
    path("v1/", include(router.urls)),
]
