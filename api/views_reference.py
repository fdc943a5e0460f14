"""API views of the reference data (topics, target groups, regions, organisations, working
groups) and of the caller (``me``), thin as ``api.views``."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import permissions as core_permissions
from core import services as core_services
from core.models import Organisation, Region, TargetGroup, Topic, WorkingGroup
from notifications import services as notification_services
from workflows import permissions

from . import serializers as s
from .serializers_account import MeSerializer


class _ReferenceList(generics.ListAPIView):
    pagination_class = None


@extend_schema(tags=["reference data"])
class TopicListView(_ReferenceList):
    permission_classes = [AllowAny]
    serializer_class = s.TopicSerializer
    queryset = Topic.objects.order_by("name_de", "id")


@extend_schema(tags=["reference data"])
class TargetGroupListView(_ReferenceList):
    permission_classes = [AllowAny]
    serializer_class = s.TargetGroupSerializer
    queryset = TargetGroup.objects.order_by("name_de", "id")


@extend_schema(tags=["reference data"])
class RegionListView(_ReferenceList):
    permission_classes = [AllowAny]
    serializer_class = s.RegionSerializer
    queryset = Region.objects.order_by("name", "id")


@extend_schema(tags=["reference data"])
class OrganisationListView(_ReferenceList):
    """The network's admitted organisations (coordinators also see applications)."""

    serializer_class = s.OrganisationSerializer

    def get_queryset(self):
        qs = Organisation.objects.select_related("region").order_by("name", "id")
        if core_permissions.can_admit_organisation(self.request.user):
            return qs
        return qs.filter(status=Organisation.Status.ADMITTED)


@extend_schema(tags=["reference data"])
class WorkingGroupListView(_ReferenceList):
    serializer_class = s.WorkingGroupSerializer
    queryset = (
        WorkingGroup.objects.select_related("lead").prefetch_related("topics").order_by("name", "id")
    )


# --- the caller ------------------------------------------------------------------


def _me_payload(user: Any) -> dict[str, Any]:
    roles = permissions.roles_of(user)
    role_names = [
        name
        for name, held in (
            ("partner", roles.partner),
            ("working_group_member", roles.group_member),
            ("coordinator", roles.coordinator),
            ("stakeholder", roles.stakeholder),
        )
        if held
    ]
    filable = permissions.filable_organisation_ids(user)
    admitted = Organisation.objects.filter(status=Organisation.Status.ADMITTED).order_by("name")
    preference = notification_services.preference_for(user)
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "is_coordinator": user.is_coordinator,
        "is_stakeholder": user.is_stakeholder,
        "roles": role_names,
        "memberships": user.memberships.select_related("organisation").order_by(
            "organisation__name"
        ),
        "working_groups": user.working_groups.order_by("name"),
        "filable_organisations": admitted if filable is None else admitted.filter(pk__in=filable),
        "preferences": {"immediate": preference.immediate, "digest": preference.digest},
    }


@extend_schema(tags=["me"])
class MeView(APIView):
    @extend_schema(responses={200: MeSerializer})
    def get(self, request: Request) -> Response:
        """You: roles, memberships, working groups and mail preferences."""
        return Response(MeSerializer(_me_payload(request.user)).data)

    @extend_schema(request=MeSerializer, responses={200: MeSerializer})
    def patch(self, request: Request) -> Response:
        """Change your display name, language and mail preferences."""
        serializer = MeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        preferences = data.get("preferences") or {}
        with transaction.atomic():  # all or nothing across the two apps' services
            core_services.user_update_preferences(
                actor=request.user,
                display_name=data.get("display_name"),
                preferred_language=data.get("preferred_language"),
            )
            if preferences:
                notification_services.preference_update(
                    actor=request.user,
                    immediate=preferences.get("immediate"),
                    digest=preferences.get("digest"),
                )
        return Response(MeSerializer(_me_payload(request.user)).data)
