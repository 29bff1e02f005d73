"""The API's resources (``/api/v1/``): every one read through the token's council; itinerary items written through
the item writer (``meetings.services``), exactly as the calendar writes them."""

import re

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api import filters, queries
from api import serializers as api
from audit.services import record
from meetings import services
from meetings.enums import ItemStatus
from programs.forms import ParticipantForm
from programs.models import Participant
from programs.participants import save_participant

ETAG = re.compile(r'(W/)?"(?P<version>[0-9]{1,9})"')
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    pattern=r'^(\*|(W/)?"[0-9]{1,9}")$',
    description='The item\'s ETag as last read (e.g. "3"): the write is refused with 412 if it changed since.',
)


def _parameters(form_class):
    """The query parameters of a list, from the form that reads them."""
    parameters = []
    for name, field in form_class.base_fields.items():
        choices = [value for value, _label in getattr(field, "choices", []) if value]
        parameters.append(
            OpenApiParameter(name, OpenApiTypes.INT if not choices else OpenApiTypes.STR, enum=choices or None)
        )
    return parameters


class CouncilViewSet(viewsets.GenericViewSet):
    """Everything is read through ``query(council)`` with the token's council: another council's id is a 404."""

    query = None
    filter_form = None
    # Any id reaches the view (a malformed one is a JSON 404 there, not the site's HTML page); no slashes.
    lookup_value_converter = "str"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.query(None).none()
        return self.query(self.request.auth.council)

    def filter_queryset(self, queryset):
        if self.action != "list" or self.filter_form is None:
            return queryset
        form = self.filter_form(self.request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(form.errors)
        return form.apply(queryset)


class ReadOnly(mixins.ListModelMixin, mixins.RetrieveModelMixin, CouncilViewSet):
    pass


def _read_only(name, query, serializer, filter_form=None):
    """A read-only resource of the council, with its list's query parameters in the schema."""
    attrs = {"query": staticmethod(query), "serializer_class": serializer, "filter_form": filter_form}
    view = type(name, (ReadOnly,), attrs)
    if filter_form is not None:
        view = extend_schema_view(list=extend_schema(parameters=_parameters(filter_form)))(view)
    return view


ProgramViewSet = _read_only("ProgramViewSet", queries.programs, api.ProgramSerializer)


@extend_schema_view(
    list=extend_schema(parameters=_parameters(filters.ProgramFilter)),
    create=extend_schema(request=api.ParticipantInputSerializer, responses={201: api.ParticipantSerializer}),
    partial_update=extend_schema(request=api.ParticipantUpdateSerializer, responses=api.ParticipantSerializer),
)
class ParticipantViewSet(ReadOnly):
    """The delegation's participants. Writes go through the Delegation page's form and service, with its rules (one
    email per program, a known country, the phone read in the council's country)."""

    query = staticmethod(queries.participants)
    serializer_class = api.ParticipantSerializer
    filter_form = filters.ProgramFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request):
        shape = api.ParticipantInputSerializer(data=request.data, context=self.get_serializer_context())
        shape.is_valid(raise_exception=True)
        values = dict(shape.validated_data)
        program = values.pop("program")
        # What is not sent takes the model's defaults, as the page's empty form offers them.
        values = {**_participant_values(Participant(program=program)), **values}
        return self._save(ParticipantForm(data=values, program=program), "create participant", status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        participant = self.get_object()
        shape = api.ParticipantUpdateSerializer(data=request.data, partial=True)
        shape.is_valid(raise_exception=True)
        values = {**_participant_values(participant), **shape.validated_data}
        form = ParticipantForm(data=values, instance=participant, program=participant.program)
        return self._save(form, "edit participant", status.HTTP_200_OK)

    def _save(self, form, action_name, status_code):
        if not form.is_valid():
            errors = {
                "non_field_errors" if name == "__all__" else name: list(found) for name, found in form.errors.items()
            }
            raise exceptions.ValidationError(errors)
        token = self.request.auth
        with transaction.atomic():
            participant = save_participant(program=form.program, form=form)
            details = {"program": participant.program_id, "api_token": token.prefix}
            record(request=self.request, action=action_name, obj=participant, details=details, council=token.council)
        return Response(api.ParticipantSerializer(participant).data, status=status_code)


def _participant_values(participant):
    """A participant's values as the form reads them, for a change that sends only some."""
    values = {name: getattr(participant, name) for name in ParticipantForm.Meta.fields}
    values["country"] = participant.country.code or ""
    values["phone"] = str(participant.phone) if participant.phone else ""
    return values


HostOrganizationViewSet = _read_only(
    "HostOrganizationViewSet", queries.host_organizations, api.HostOrganizationSerializer
)
ContactViewSet = _read_only("ContactViewSet", queries.contacts, api.ContactSerializer, filters.ContactFilter)
VenueViewSet = _read_only("VenueViewSet", queries.venues, api.VenueSerializer)
VolunteerViewSet = _read_only("VolunteerViewSet", queries.volunteers, api.VolunteerSerializer)
HospitalitySlotViewSet = _read_only(
    "HospitalitySlotViewSet", queries.hospitality_slots, api.HospitalitySlotSerializer, filters.ProgramFilter
)
InvitationViewSet = _read_only(
    "InvitationViewSet", queries.invitations, api.InvitationSerializer, filters.InvitationFilter
)
NotificationViewSet = _read_only(
    "NotificationViewSet", queries.notifications, api.NotificationSerializer, filters.NotificationFilter
)


# Itinerary items ---------------------------------------------------------------------------------------------------


class StaleVersion(Exception):
    """If-Match names a version the item no longer has."""

    def __init__(self, version):
        super().__init__("stale version")
        self.version = version


WRITTEN = {
    200: api.ItemWrittenSerializer,
    409: OpenApiResponse(api.ConflictsRefusedSerializer, description="Hard conflicts and no override_reason."),
    412: OpenApiResponse(api.StaleSerializer, description="The item changed since the version in If-Match."),
}


@extend_schema_view(
    list=extend_schema(parameters=_parameters(filters.ItemFilter)),
    create=extend_schema(
        request=api.ItemInputSerializer, responses={201: api.ItemWrittenSerializer, 409: WRITTEN[409]}
    ),
    partial_update=extend_schema(request=api.ItemUpdateSerializer, responses=WRITTEN, parameters=[IF_MATCH]),
    move=extend_schema(request=api.ItemMoveSerializer, responses=WRITTEN, parameters=[IF_MATCH]),
    cancel=extend_schema(request=None, responses=WRITTEN, parameters=[IF_MATCH]),
)
class ItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CouncilViewSet):
    """Itinerary items. Every write goes through the item writer: it judges conflicts (hard ones need
    ``override_reason``), raises ``version``, records the history and tells everyone the change concerns."""

    query = staticmethod(queries.items)
    serializer_class = api.ItemSerializer
    filter_form = filters.ItemFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action in ("partial_update", "move", "cancel") and not getattr(self, "swagger_fake_view", False):
            return queries.item_to_write(self.request.auth.council)
        return super().get_queryset()

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = f'"{response.data["version"]}"'
        return response

    def create(self, request):
        serializer = api.ItemInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        program, reason = data.pop("program"), data.pop("override_reason", "")
        try:
            with transaction.atomic():
                item, found = services.create_item(
                    program=program, data=data, user=request.user, override_reason=reason
                )
                self._audit("create item", item)
        except services.ConflictsNeedOverride as error:
            return self._refused(error)
        return self._written(item, found, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        serializer = api.ItemUpdateSerializer(
            item, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        expected = self._expected_version(item)
        data = dict(serializer.validated_data)
        reason = data.pop("override_reason", "")
        return self._change(item, "edit item", expected, data=data, override_reason=reason)

    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """A new start and end, as a drag on the calendar."""
        item = self.get_object()
        serializer = api.ItemMoveSerializer(data=request.data, context={"item": item})
        serializer.is_valid(raise_exception=True)
        expected = self._expected_version(item)
        times = serializer.validated_data
        return self._change(
            item,
            "move item",
            expected,
            data={"starts_at": times["starts_at"], "ends_at": times["ends_at"]},
            override_reason=times.get("override_reason", ""),
        )

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel the item: it stays on the schedules of those it concerned, as cancelled, and they are told."""
        item = self.get_object()
        expected = self._expected_version(item)
        return self._change(item, "cancel item", expected, data={"status": ItemStatus.CANCELLED})

    def _change(self, item, action_name, expected, *, data, override_reason=""):
        try:
            with transaction.atomic():
                version = item.version
                item, found = services.update_item(
                    item=item,
                    data=data,
                    expected_version=expected,
                    user=self.request.user,
                    override_reason=override_reason,
                )
                if item.version != version:
                    self._audit(action_name, item)
        except services.ConflictsNeedOverride as error:
            return self._refused(error)
        except services.StaleItemError as stale:
            raise StaleVersion(stale.item.version) from None
        return self._written(item, found, status.HTTP_200_OK)

    def _expected_version(self, item):
        """The version named by If-Match (None without one); 412 at once when it is not the item's version now
        (the item writer checks it again under the item's lock). Called once the request's content is known to be
        good: a request that is refused anyway is refused for that (RFC 9110, 13.2.1)."""
        header = self.request.headers.get("If-Match")
        if header is None or header.strip() == "*":
            return None
        match = ETAG.fullmatch(header.strip())
        if match is None:
            raise exceptions.ValidationError({"If-Match": [_('Send the item\'s ETag, e.g. "3".')]})
        if int(match["version"]) != item.version:
            raise StaleVersion(item.version)
        return item.version

    def _audit(self, action_name, item):
        token = self.request.auth
        details = {"program": item.program_id, "version": item.version, "api_token": token.prefix}
        record(request=self.request, action=action_name, obj=item, details=details, council=token.council)

    def _written(self, item, found, status_code):
        item = get_object_or_404(queries.items(self.request.auth.council), pk=item.pk)
        item.conflicts = found
        response = Response(api.ItemWrittenSerializer(item).data, status=status_code)
        response["ETag"] = f'"{item.version}"'
        return response

    def _refused(self, error):
        body = {"detail": _("This change creates conflicts: give override_reason to save it anyway."), "conflicts": []}
        body["conflicts"] = api.ConflictSerializer([c for c in error.conflicts if c.is_hard], many=True).data
        return Response(body, status=status.HTTP_409_CONFLICT)

    def handle_exception(self, exc):
        if isinstance(exc, StaleVersion):
            body = {"detail": _("The item changed since this version."), "version": exc.version}
            return Response(body, status=status.HTTP_412_PRECONDITION_FAILED)
        return super().handle_exception(exc)
