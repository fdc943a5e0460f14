"""A challenge's history (who changed what, when) and the (re)assignment of its working group.

Thin: the history is read by ``workflows.history``, the assignment written by
``workflows.services.challenge_assign_working_group`` (which records it in the history).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import PermissionDenied
from workflows import history, permissions, services

from .serializers_history import AssignmentInputSerializer, HistoryEntrySerializer
from .views import CHALLENGE_ID, _detail_response, _visible_challenge
from .serializers import ChallengeDetailSerializer


@extend_schema(tags=["challenges"], parameters=[CHALLENGE_ID])
class HistoryView(APIView):
    @extend_schema(responses={200: HistoryEntrySerializer(many=True)})
    def get(self, request: Request, pk: Any) -> Response:
        """Who changed what, when, oldest first: every step (filing included, with its input)
        and every edit or (re)assignment with the values before and after."""
        challenge = _visible_challenge(request, pk)
        return Response(HistoryEntrySerializer(history.history_rows(challenge), many=True).data)


@extend_schema(tags=["challenges"], parameters=[CHALLENGE_ID])
class AssignmentView(APIView):
    @extend_schema(
        request=AssignmentInputSerializer,
        responses={200: ChallengeDetailSerializer},
        description="(Re)assign the working group (coordinators); recorded in the history.",
    )
    def post(self, request: Request, pk: Any) -> Response:
        challenge = _visible_challenge(request, pk)
        if not permissions.can_assign_working_group(request.user, challenge):
            raise PermissionDenied(_("Only coordinators assign working groups."))
        serializer = AssignmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.challenge_assign_working_group(
            actor=request.user,
            challenge=challenge,
            working_group=serializer.validated_data["working_group"],
        )
        return _detail_response(request, challenge.pk)
