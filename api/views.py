"""API views: thin. Reads go through selectors, writes through services, rights through
``workflows.permissions`` (``core.permissions`` for the network); domain errors become
responses in ``api.exceptions``.

The order of answers is the services' order everywhere: a challenge the caller may not see is
404 (before anything else is looked at), then 403 for a missing right, then 409 for a state that
does not allow the step, then 400 for input.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
)
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core import two_factor
from core.auth_backends import was_locked_out
from core.exceptions import NotFound, PermissionDenied
from core.lockout import sign_in_succeeded
from core.tokens import TOKEN_ENDPOINT_NAME, token_create
from workflows import permissions, selectors, services
from workflows.models import Challenge, Comment

from . import serializers as s
from .serializers_account import TokenRequestSerializer, TokenSerializer
from .filters import ChallengeFilter, ChallengeFilterBackend, StableOrderingFilter
from .pagination import StandardPagination
from .search import GermanSearchFilter
from .serializers_list import list_values, render_rows

ID_SCHEMA = {"type": "integer", "minimum": 0}
CHALLENGE_ID = OpenApiParameter("id", ID_SCHEMA, OpenApiParameter.PATH)


def _visible_challenge(request: Request, pk: Any) -> Challenge:
    """The bare challenge row if the caller may see it, else ``NotFound`` (one query)."""
    return selectors.visible_challenge_for(request.user, pk)


def _detail_response(request: Request, pk: Any, status_code: int = status.HTTP_200_OK) -> Response:
    # The detail shows no history (its own endpoint): no log, changes or comments read.
    challenge = selectors.challenge_detail_for(request.user, pk, history=False)
    return _detail_answer(request, challenge, status_code)


def _detail_answer(
    request: Request, challenge: Challenge, status_code: int = status.HTTP_200_OK
) -> Response:
    """The detail of a challenge read as ``selectors.challenge_detail_for(history=False)`` (or
    completed by ``selectors.challenge_detail_of``) for a caller who may see it."""
    serializer = s.ChallengeDetailSerializer(
        challenge,
        context={
            "request": request,
            "allowed_transitions": selectors.allowed_transitions_for(request.user, challenge),
        },
    )
    return Response(serializer.data, status=status_code)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
@authentication_classes([])
def not_found(request: Request, *args: Any, **kwargs: Any) -> Response:
    raise NotFound()


# --- authentication -----------------------------------------------------------------------------


class TokenView(APIView):
    """Exchange email and password for an API token; send it as `Authorization: Token <token>`.

    After 10 attempts for one email address from one client address within 15 minutes, that
    pair gets no token (429) until the window has passed; the sign-in pages count into the
    same lock-out (core/lockout.py)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer},
        auth=[],
        tags=["auth"],
        operation_id="auth_token_create",
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = serializer.validated_data["email"].strip().lower()
        user = authenticate(
            request._request, username=email, password=serializer.validated_data["password"]
        )
        if was_locked_out(request._request):
            return Response(
                {
                    "code": "locked_out",
                    "detail": str(
                        _("Too many failed sign-ins for this address. Try again in 15 minutes.")
                    ),
                },
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None:
            return Response(
                {"code": "invalid_credentials", "detail": str(_("Email or password is wrong."))},
                status=status.HTTP_400_BAD_REQUEST,
            )
        refusal = self._second_factor_refusal(request, user, serializer.validated_data.get("otp"))
        if refusal is not None:
            return refusal
        # A new personal token per call, named for where it came from and expiring like the
        # page's default; the person sees and revokes it on their API-tokens page.
        _token, key = token_create(actor=user, name=TOKEN_ENDPOINT_NAME)
        return Response({"token": key})

    @staticmethod
    def _second_factor_refusal(request: Request, user, otp: str | None) -> Response | None:
        """For a person with two-factor sign-in the right password needs ``otp`` too (the
        password's lock-out ticket is handed back only with the right code); a person the
        operator requires to use it, who has not set it up, gets no token at all."""
        if not two_factor.two_factor_enabled(user):
            if two_factor.two_factor_required(user):
                return Response(
                    {
                        "code": "two_factor_setup_required",
                        "detail": str(_("Turn on two-factor sign-in on your account page first.")),
                    },
                    status=status.HTTP_403_FORBIDDEN,
                )
            return None
        if not (otp or "").strip():
            message = str(_("This account uses two-factor sign-in: send the current code as otp."))
            return Response(
                {"code": "otp_required", "detail": message, "otp": [message]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if not two_factor.code_is_right(user, otp):
            message = str(_("The code (otp) is not right or was used already."))
            return Response(
                {"code": "otp_invalid", "detail": message, "otp": [message]},
                status=status.HTTP_401_UNAUTHORIZED,
            )
        sign_in_succeeded(request._request, user.email)
        return None


# --- challenges ---------------------------------------------------------------------------------


@extend_schema(tags=["challenges"])
class ChallengeListView(generics.GenericAPIView):
    """Challenges the caller may see, newest first."""

    serializer_class = s.ChallengeListSerializer
    pagination_class = StandardPagination
    filter_backends = [
        ChallengeFilterBackend,
        GermanSearchFilter,
        StableOrderingFilter,
    ]
    filterset_class = ChallengeFilter
    ordering_fields = ["created_at", "updated_at", "state_entered_at", "title", "state", "id"]
    ordering = ["-created_at", "-id"]
    page_rows = staticmethod(list_values)  # what a page reads (StandardPagination)

    def get_queryset(self):
        return selectors.challenges_visible_to(self.request.user)

    @extend_schema(responses={200: s.ChallengeListSerializer(many=True)})
    def get(self, request: Request) -> Response:
        # Rows as values, rendered without model instances or nested serializers: the same
        # JSON as ChallengeListSerializer at a fraction of the CPU (api.serializers_list).
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)  # rows: list_values (page_rows)
        return self.get_paginated_response(render_rows(page))

    @extend_schema(
        request=s.ChallengeFileSerializer,
        responses={201: s.ChallengeDetailSerializer},
        description="File a new challenge; it starts in state `reported`, reported by you.",
    )
    def post(self, request: Request) -> Response:
        if not permissions.can_file_challenge(request.user):
            raise PermissionDenied(_("You may not file challenges."))
        serializer = s.ChallengeFileSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        challenge = services.challenge_file(actor=request.user, **serializer.validated_data)
        return _detail_response(request, challenge.pk, status.HTTP_201_CREATED)


@extend_schema(tags=["challenges"], parameters=[CHALLENGE_ID])
class ChallengeDetailView(APIView):
    @extend_schema(responses={200: s.ChallengeDetailSerializer})
    def get(self, request: Request, pk: int) -> Response:
        """A challenge with its analysis, approaches, trials and evaluations, and the
        transitions the caller may make now."""
        return _detail_response(request, pk)

    @extend_schema(
        request=s.ChallengeWriteSerializer,
        responses={200: s.ChallengeDetailSerializer},
        description=(
            "Edit title, description, topic, target groups, region or visibility. State, "
            "reporter, organisation and working group are not writable here."
        ),
    )
    def patch(self, request: Request, pk: int) -> Response:
        challenge = _visible_challenge(request, pk)
        if not permissions.can_edit_challenge(request.user, challenge):
            raise PermissionDenied(_("You may not edit this challenge."))
        serializer = s.ChallengeWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.challenge_update(actor=request.user, challenge=challenge, **serializer.validated_data)
        return _detail_response(request, challenge.pk)


@extend_schema(tags=["challenges"], parameters=[CHALLENGE_ID])
class TransitionListView(APIView):
    @extend_schema(responses={200: s.TransitionSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        """The transitions the caller may make now, with their target state and input fields."""
        challenge = _visible_challenge(request, pk)
        specs = selectors.allowed_transitions_for(request.user, challenge)
        return Response(s.TransitionSerializer(specs, many=True).data)


@extend_schema(exclude=True)
class TransitionRunView(APIView):
    """A step name without its own endpoint (``api.views_transitions``): there is none."""

    def post(self, request: Request, pk: int, name: str) -> Response:
        _visible_challenge(request, pk)
        raise NotFound(_("There is no such step."))


@extend_schema(tags=["challenges"], parameters=[CHALLENGE_ID])
class CommentListView(generics.GenericAPIView):
    serializer_class = s.CommentSerializer
    pagination_class = StandardPagination
    queryset = Comment.objects.none()  # tells the schema the model; reads filter per challenge

    @extend_schema(responses={200: s.CommentSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        """The discussion, oldest first."""
        challenge = _visible_challenge(request, pk)
        comments = Comment.objects.filter(challenge=challenge).select_related("author")
        page = self.paginate_queryset(comments)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=s.CommentSerializer, responses={201: s.CommentSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Add a comment (you then follow the challenge)."""
        challenge = _visible_challenge(request, pk)
        if not permissions.can_comment(request.user, challenge):
            raise PermissionDenied(_("You may not comment on this challenge."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = services.comment_add(
            actor=request.user, challenge=challenge, body=serializer.validated_data["body"]
        )
        return Response(self.get_serializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["challenges"], parameters=[CHALLENGE_ID])
class FollowView(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, pk: int) -> Response:
        """Follow the challenge (idempotent)."""
        challenge = _visible_challenge(request, pk)
        services.challenge_follow(actor=request.user, challenge=challenge)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        """Stop following (idempotent)."""
        challenge = _visible_challenge(request, pk)
        services.challenge_unfollow(actor=request.user, challenge=challenge)
        return Response(status=status.HTTP_204_NO_CONTENT)
