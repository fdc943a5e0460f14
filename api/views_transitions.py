"""One endpoint per lifecycle step, each with its own typed request schema (the step's
serializer from ``workflows.transition_inputs``), so a client generated from the OpenAPI schema
knows exactly what each step needs.

``POST /api/v1/challenges/{id}/transitions/<step>/``; the views stay thin: the service validates
the body through the same serializer the pages and the admin use.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows import selectors, services
from workflows.models import ReferralBody
from workflows.transitions import TRANSITIONS, TransitionSpec

from . import serializers as s
from .serializers_lifecycle import ReferralBodySerializer
from .schema import ErrorSerializer


def _view_for(spec: TransitionSpec) -> type[APIView]:
    from .views import CHALLENGE_ID, _detail_answer

    name = spec.name

    class TransitionStepView(APIView):
        @extend_schema(
            operation_id=f"challenges_transitions_{name}",
            summary=name.replace("_", " "),
            tags=["transitions"],
            parameters=[CHALLENGE_ID],
            request=spec.input,
            responses={
                200: s.ChallengeDetailSerializer,
                409: OpenApiResponse(
                    ErrorSerializer,
                    description=(
                        "Not possible in the current state, the challenge is no longer in "
                        "`expected_state`, or a concurrent change won."
                    ),
                ),
            },
            description=(
                f"Make the step `{name}`. Nothing changes on any error; field errors come "
                "back per field (400)."
            ),
        )
        def post(self, request: Request, pk: Any) -> Response:
            # Not read here: the service answers "not found" and every other refusal from its
            # row lock, and returns the challenge as the step left it. The answer is built
            # from that, not from a second read of the whole detail.
            stepped = services.challenge_transition(
                actor=request.user, challenge=selectors.challenge_id(pk), name=name,
                data=request.data,
            )
            return _detail_answer(request, selectors.challenge_detail_of(stepped))

    TransitionStepView.__name__ = f"{name.title().replace('_', '')}TransitionView"
    TransitionStepView.__qualname__ = TransitionStepView.__name__
    return TransitionStepView


TRANSITION_VIEWS: dict[str, type[APIView]] = {
    name: _view_for(spec) for name, spec in TRANSITIONS.items()
}


@extend_schema(tags=["reference data"])
class ReferralBodyListView(generics.ListAPIView):
    """The bodies a challenge can be referred to when it is closed (`referral_body`)."""

    pagination_class = None
    serializer_class = ReferralBodySerializer
    queryset = ReferralBody.objects.filter(is_active=True).order_by("name", "id")
