"""The API's serializers of the caller's account: ``/me/`` (memberships, preferences) and the
token exchange."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import Membership
from notifications.models import Preference

from .serializers import OrganisationRefSerializer, StrictJSONSerializer, WorkingGroupRefSerializer


class MembershipSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer(read_only=True)
    status = serializers.CharField(source="organisation.status", read_only=True)

    class Meta:
        model = Membership
        fields = ["organisation", "status"]


class PreferencesSerializer(StrictJSONSerializer):
    immediate = serializers.BooleanField(
        required=False, help_text=_("Mail at once about followed challenges.")
    )
    digest = serializers.ChoiceField(choices=Preference.Digest.choices, required=False)


class MeSerializer(StrictJSONSerializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    display_name = serializers.CharField(max_length=150)
    preferred_language = serializers.ChoiceField(choices=settings.LANGUAGES)
    is_coordinator = serializers.BooleanField(read_only=True)
    is_stakeholder = serializers.BooleanField(read_only=True)
    roles = serializers.ListField(
        child=serializers.ChoiceField(
            choices=["partner", "working_group_member", "coordinator", "stakeholder"]
        ),
        read_only=True,
    )
    memberships = MembershipSerializer(many=True, read_only=True)
    working_groups = WorkingGroupRefSerializer(many=True, read_only=True)
    filable_organisations = OrganisationRefSerializer(
        many=True,
        read_only=True,
        help_text=_("The organisations you may file challenges for."),
    )
    preferences = PreferencesSerializer()


# --- authentication -----------------------------------------------------------------------------


class TokenRequestSerializer(StrictJSONSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text="For people with two-factor sign-in: the current code from the "
        "authenticator app (or a recovery code, which then is used up).",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
