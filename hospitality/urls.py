from django.urls import path

from hospitality.views import portal, registry, slots

app_name = "hospitality"

urlpatterns = [
    path("", slots.index, name="index"),
    # Staff: the volunteer registry
    path("volunteers/", registry.volunteer_list, name="volunteers"),
    path("volunteers/new/", registry.volunteer_create, name="volunteer_create"),
    path("volunteers/export.csv", registry.volunteer_export, name="volunteer_export"),
    path("volunteers/export.xlsx", registry.volunteer_export_xlsx, name="volunteer_export_xlsx"),
    path("volunteers/import/", registry.volunteer_import, name="volunteer_import"),
    path("volunteers/<int:volunteer_id>/", registry.volunteer_edit, name="volunteer_edit"),
    path("volunteers/<int:volunteer_id>/revoke-link/", registry.volunteer_revoke_link, name="volunteer_revoke_link"),
    # Staff: slots of a program
    path("programs/<int:program_id>/", slots.board, name="board"),
    path("programs/<int:program_id>/slots/new/", slots.slot_create, name="slot_create"),
    path("slots/<int:slot_id>/", slots.slot_detail, name="slot"),
    path("slots/<int:slot_id>/edit/", slots.slot_edit, name="slot_edit"),
    path("slots/<int:slot_id>/invite/", slots.invite, name="invite"),
    path("slots/<int:slot_id>/cancel/", slots.slot_cancel, name="slot_cancel"),
    path("slots/<int:slot_id>/assign-suggested/", slots.assign_suggested, name="assign_suggested"),
    path("invitations/<int:invitation_id>/assign/", slots.assign, name="assign"),
    path("invitations/<int:invitation_id>/remind/", slots.remind, name="remind"),
    # Volunteers, signed in from their emailed link
    path("me/sign-in/", portal.SignInView.as_view(), name="sign_in"),
    path("me/", portal.portal, name="portal"),
    path("me/household/", portal.household, name="portal_household"),
    path("me/invitations/<int:invitation_id>/", portal.invitation_detail, name="portal_invitation"),
    path("me/invitations/<int:invitation_id>/accept/", portal.accept, name="portal_accept"),
    path("me/invitations/<int:invitation_id>/decline/", portal.decline, name="portal_decline"),
    path("me/invitations/<int:invitation_id>/withdraw/", portal.withdraw, name="portal_withdraw"),
]
