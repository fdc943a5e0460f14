"""Events and registrations in the API. Output serializers render what
``network.selectors_events`` selected (joined, no query per row); input serializers validate
shape only: who sees what and whether a seat is left is ``network``'s to decide.

Choice values are plain strings with the choices in the help text, as for material: the value
sets (``public``/``network``, ``draft``/``published``) repeat those of other models and would
collide as schema components.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from network import permissions_events
from network.models_events import Event, ProgrammeSession, Registration

from .serializers import (
    OrganisationRefSerializer,
    RegionSerializer,
    StrictJSONSerializer,
    TargetGroupSerializer,
    TopicSerializer,
)


class EventSerializer(serializers.ModelSerializer):
    """A list row: reads only what ``events_filtered`` joins in."""

    kind = serializers.CharField(
        read_only=True, help_text="annual | workshop | job_fair | information_day | training"
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    audience = serializers.CharField(read_only=True, help_text="public | network")
    status = serializers.CharField(read_only=True, help_text="draft | published")
    language = serializers.CharField(read_only=True, help_text=_("Language code."))
    organiser = OrganisationRefSerializer(
        read_only=True, allow_null=True, help_text=_("Empty for the network's annual event.")
    )
    # Empty when the event has none: a plain string (a ``uri`` format would refuse "").
    online_url = serializers.CharField(read_only=True)
    region = RegionSerializer(read_only=True, allow_null=True)
    topics = TopicSerializer(many=True, read_only=True)
    target_groups = TargetGroupSerializer(many=True, read_only=True)
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id", "kind", "kind_label", "title", "description", "starts_at", "ends_at", "place",
            "online_url", "organiser", "region", "topics", "target_groups", "language",
            "audience", "status", "capacity", "page_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(help_text=_("The event's page.")))
    def get_page_url(self, event: Event) -> str:
        return event.get_absolute_url()


class ProgrammeSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgrammeSession
        fields = ["id", "starts_at", "ends_at", "title", "speakers", "room"]
        read_only_fields = fields


class EventDetailSerializer(EventSerializer):
    """An event with its programme, accepted co-organisers and seats; expects the object from
    ``selectors_events.event_for`` (counts annotated, programme prefetched)."""

    sessions = ProgrammeSessionSerializer(many=True, read_only=True)
    co_organisers = serializers.SerializerMethodField()
    consent_text = serializers.CharField(
        read_only=True, help_text=_("What a registrant agrees to (`consent: true`).")
    )
    registration_open = serializers.SerializerMethodField()
    seats_left = serializers.SerializerMethodField()
    waiting = serializers.IntegerField(
        source="waiting_count", read_only=True, help_text=_("People on the waiting list.")
    )

    class Meta(EventSerializer.Meta):
        fields = [
            *EventSerializer.Meta.fields, "sessions", "co_organisers", "consent_text",
            "registration_open", "seats_left", "waiting",
        ]
        read_only_fields = fields

    @extend_schema_field(OrganisationRefSerializer(many=True))
    def get_co_organisers(self, event: Event) -> list[dict[str, Any]]:
        accepted = [c.organisation for c in event.co_organisers.all() if c.status == "accepted"]
        return OrganisationRefSerializer(accepted, many=True).data

    @extend_schema_field(serializers.BooleanField())
    def get_registration_open(self, event: Event) -> bool:
        return permissions_events.registration_open(event)

    @extend_schema_field(
        serializers.IntegerField(allow_null=True, help_text=_("Empty: no limit."))
    )
    def get_seats_left(self, event: Event) -> int | None:
        if event.capacity is None:
            return None
        return max(event.capacity - event.confirmed_count, 0)


class RegistrationSerializer(serializers.ModelSerializer):
    """A row of the attendee list, with the columns of the pages' CSV export."""

    status = serializers.CharField(read_only=True, help_text="confirmed | waiting")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    registered_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id", "name", "email", "organisation_name", "status", "status_label",
            "registered_at", "moved_up_at",
        ]
        read_only_fields = fields


class RegistrationInputSerializer(StrictJSONSerializer):
    """The page's registration form, as JSON."""

    name = serializers.CharField(max_length=150)
    email = serializers.EmailField(max_length=254)
    organisation_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    consent = serializers.BooleanField(
        help_text=_("`true`: the registrant agrees to the event's `consent_text`.")
    )
    language = serializers.CharField(
        required=False, max_length=8,
        help_text=_("Language of the emails: de | en (default: the request's language)."),
    )

    def validate_language(self, value: str) -> str:
        if value not in dict(settings.LANGUAGES):
            raise serializers.ValidationError(_("Give de or en."))
        return value


class RegistrationReceiptSerializer(serializers.ModelSerializer):
    """What the registrant learns: confirmed or on the waiting list (the cancel link is mailed,
    never answered here: the mail is the proof of the address)."""

    status = serializers.CharField(read_only=True, help_text="confirmed | waiting | cancelled")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    event = serializers.IntegerField(source="event_id", read_only=True)

    class Meta:
        model = Registration
        fields = ["id", "event", "name", "email", "status", "status_label", "created_at"]
        read_only_fields = fields


class CancelInputSerializer(StrictJSONSerializer):
    token = serializers.CharField(
        max_length=500, help_text=_("The token of the cancel link in the confirmation email.")
    )


class CancelResultSerializer(serializers.Serializer):
    event = serializers.IntegerField(read_only=True)
    status = serializers.CharField(read_only=True, help_text="cancelled")
