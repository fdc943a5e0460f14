"""Events in the API: the calendar (list and detail), the attendee list for the organisers,
registering (public, the page's service and row lock: the same guarantee against over-booking
and double registration) and cancelling by the mailed token.

Who sees what is ``network.permissions_events``'s, read through ``network.selectors_events``;
an event the caller may not see is a 404, as on the pages.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import NotFound
from core.models import Region, TargetGroup, Topic
from network import permissions_events, selectors_events, services_events
from network.models_events import Event, Registration

from .filters import SingleValuedParamsMixin, StrictBooleanFilter
from .pagination import StandardPagination
from .schema import ErrorSerializer
from .serializers_events import (
    CancelInputSerializer,
    CancelResultSerializer,
    EventDetailSerializer,
    EventSerializer,
    RegistrationInputSerializer,
    RegistrationReceiptSerializer,
    RegistrationSerializer,
)

EVENT_ID = OpenApiParameter("id", {"type": "integer", "minimum": 0}, OpenApiParameter.PATH)


def _visible_event(request: Request, pk: Any) -> Event:
    """The event with programme and counts if the caller may see it, else ``NotFound``."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Event not found.")) from None
    event = selectors_events.event_for(request.user, pk)
    if event is None:
        raise NotFound(_("Event not found."))
    return event


class EventFilter(SingleValuedParamsMixin, filters.FilterSet):
    region = filters.ModelChoiceFilter(queryset=Region.objects.all())
    topic = filters.ModelChoiceFilter(field_name="topics", queryset=Topic.objects.all())
    target_group = filters.ModelChoiceFilter(
        field_name="target_groups", queryset=TargetGroup.objects.all()
    )
    starts_from = filters.DateFilter(
        field_name="starts_at", lookup_expr="date__gte",
        label=_("Only events that start on or after this day (local time)."),
    )
    starts_before = filters.DateFilter(
        field_name="starts_at", lookup_expr="date__lt",
        label=_("Only events that start before this day (local time)."),
    )
    upcoming = StrictBooleanFilter(method="filter_upcoming", label=_("Only events that have not ended."))

    class Meta:
        model = Event
        fields = ["region", "topic", "target_group", "starts_from", "starts_before", "upcoming"]

    def filter_upcoming(self, queryset, name: str, value: bool | None):
        if value is None:
            return queryset
        now = timezone.now()
        return queryset.filter(ends_at__gte=now) if value else queryset.filter(ends_at__lt=now)


@extend_schema(tags=["events"])
class EventListView(generics.ListAPIView):
    """The events the caller may see, soonest first: visitors see published public events,
    the network's members and stakeholders also network-only ones, organisers their drafts.
    Filter by region, topic and target group (ids) and by the start day."""

    permission_classes = [AllowAny]
    serializer_class = EventSerializer
    pagination_class = StandardPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = EventFilter

    def get_queryset(self):
        return selectors_events.events_visible_to(self.request.user)


@extend_schema(tags=["events"], parameters=[EVENT_ID])
class EventDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: EventDetailSerializer})
    def get(self, request: Request, pk: str) -> Response:
        return Response(EventDetailSerializer(_visible_event(request, pk)).data)


@extend_schema(tags=["events"], parameters=[EVENT_ID])
class EventRegistrationsView(generics.GenericAPIView):
    """GET: the attendee list (confirmed first, then the waiting list in order), for the
    coordinators and the members of the organiser or an accepted co-organiser; anyone else gets
    404. POST: register for the event (no sign-in needed)."""

    serializer_class = RegistrationSerializer
    pagination_class = StandardPagination
    queryset = Registration.objects.none()  # the schema's model; rows come from the selector

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(responses={200: RegistrationSerializer(many=True)})
    def get(self, request: Request, pk: str) -> Response:
        event = _visible_event(request, pk)
        if not permissions_events.can_see_attendees(request.user, event):
            raise NotFound(_("Event not found."))
        page = self.paginate_queryset(selectors_events.attendees_of(event))
        return self.get_paginated_response(RegistrationSerializer(page, many=True).data)

    @extend_schema(
        request=RegistrationInputSerializer,
        responses={
            201: RegistrationReceiptSerializer,
            409: OpenApiResponse(
                ErrorSerializer,
                description="Registration is closed, or this address is already registered.",
            ),
        },
        description=(
            "Confirmed while seats are left, else on the waiting list (`status`); the "
            "confirmation with the calendar file and the cancel link is mailed."
        ),
    )
    def post(self, request: Request, pk: str) -> Response:
        event = _visible_event(request, pk)
        serializer = RegistrationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        registration = services_events.registration_register(
            event=event, actor=request.user, name=data["name"], email=data["email"],
            organisation_name=data["organisation_name"], consent=data["consent"],
            language=data.get("language") or translation.get_language() or "de",
        )
        return Response(
            RegistrationReceiptSerializer(registration).data, status=status.HTTP_201_CREATED
        )


@extend_schema(tags=["events"])
class RegistrationCancelView(APIView):
    """Cancel a registration with the token of the mailed cancel link; the first person on the
    waiting list moves up and is mailed. Cancelling twice changes nothing."""

    permission_classes = [AllowAny]

    @extend_schema(request=CancelInputSerializer, responses={200: CancelResultSerializer})
    def post(self, request: Request) -> Response:
        serializer = CancelInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = services_events.registration_for_token(serializer.validated_data["token"])
        if registration is None:
            raise NotFound(_("This cancel link is not valid."))
        services_events.registration_cancel(registration=registration)
        return Response({"event": registration.event_id, "status": "cancelled"})
