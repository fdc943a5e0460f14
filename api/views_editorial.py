"""Editorial work through the API, as on the pages: written recommendations (list, write, edit,
publish, withdraw with a reason) and publishing or withdrawing a good-practice record. Thin:
``workflows.recommendations`` and ``workflows.services`` decide (rights, rules, versions);
domain errors become responses in ``api.exceptions``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import NotFound, PermissionDenied
from workflows import permissions, selectors, services
from workflows import recommendations as service
from workflows.models_editorial import Recommendation

from .pagination import StandardPagination
from .schema import ErrorSerializer
from .serializers_editorial import GoodPracticeDetailSerializer
from .serializers_recommendations import (
    RecommendationDetailSerializer,
    RecommendationEditSerializer,
    RecommendationInputSerializer,
    RecommendationSerializer,
    WithdrawInputSerializer,
)
from .views import ID_SCHEMA

ID = OpenApiParameter("id", ID_SCHEMA, OpenApiParameter.PATH)
NOT_PUBLISHABLE = OpenApiResponse(
    ErrorSerializer,
    description="It cannot be published: no supporting record, or one of them is a draft.",
)


def _visible(request: Request, pk: Any) -> Recommendation:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Recommendation not found.")) from None
    recommendation = service.recommendations_visible_to(request.user).filter(pk=pk).first()
    if recommendation is None:
        raise NotFound(_("Recommendation not found."))
    return recommendation


def _detail(request: Request, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(RecommendationDetailSerializer(_visible(request, pk)).data, status=status_code)


class RecommendationQuerySerializer(serializers.Serializer):
    target_group = serializers.SlugField(
        required=False, max_length=100, help_text=_("Only those for this target group (its slug)."),
    )


@extend_schema(tags=["recommendations"])
class RecommendationListView(generics.ListAPIView):
    """Published recommendations per target group for everyone; coordinators also see drafts."""

    permission_classes = [AllowAny]
    serializer_class = RecommendationSerializer
    pagination_class = StandardPagination

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsAuthenticated()]
        return super().get_permissions()

    def get_queryset(self):
        # A plain dict: DRF reads an empty value of a QueryDict as "not given"; here it is a 400.
        query = RecommendationQuerySerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        qs = service.recommendations_visible_to(self.request.user)
        if query.validated_data.get("target_group"):
            qs = qs.filter(target_group__slug=query.validated_data["target_group"])
        return qs.order_by("-published_at", "title", "id")

    @extend_schema(parameters=[RecommendationQuerySerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=RecommendationInputSerializer,
        responses={201: RecommendationDetailSerializer},
        description="Write a recommendation (coordinators); it starts as a draft, version 1.",
    )
    def post(self, request: Request) -> Response:
        if not permissions.can_write_recommendation(request.user):
            raise PermissionDenied(_("Only coordinators write recommendations."))
        serializer = RecommendationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = service.recommendation_create(actor=request.user, **serializer.validated_data)
        return _detail(request, created.pk, status.HTTP_201_CREATED)


@extend_schema(tags=["recommendations"], parameters=[ID])
class RecommendationDetailView(APIView):
    permission_classes = [AllowAny]

    def get_permissions(self):
        if self.request.method == "PATCH":
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(responses={200: RecommendationDetailSerializer})
    def get(self, request: Request, pk: Any) -> Response:
        return _detail(request, pk)

    @extend_schema(
        request=RecommendationEditSerializer,
        responses={
            200: RecommendationDetailSerializer,
            409: OpenApiResponse(
                ErrorSerializer, description="Someone saved it after the `base_version` you read.",
            ),
        },
        description="Edit some fields (coordinators); each save that changes something is a "
        "new version.",
    )
    def patch(self, request: Request, pk: Any) -> Response:
        recommendation = _visible(request, pk)
        if not permissions.can_write_recommendation(request.user):
            raise PermissionDenied(_("Only coordinators write recommendations."))
        serializer = RecommendationEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        base_version = data.pop("base_version")
        service.recommendation_edit(
            actor=request.user, recommendation=recommendation, data=data,
            base_version=base_version,
        )
        return _detail(request, recommendation.pk)


@extend_schema(tags=["recommendations"], parameters=[ID])
class RecommendationPublishView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: RecommendationDetailSerializer, 409: NOT_PUBLISHABLE},
        description="Publish a draft (coordinators). Publishing a published one changes nothing.",
    )
    def post(self, request: Request, pk: Any) -> Response:
        recommendation = _visible(request, pk)
        service.recommendation_publish(actor=request.user, recommendation=recommendation)
        return _detail(request, recommendation.pk)


@extend_schema(tags=["recommendations"], parameters=[ID])
class RecommendationUnpublishView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=WithdrawInputSerializer,
        responses={200: RecommendationDetailSerializer},
        description="Withdraw a published recommendation to draft, saying why (coordinators).",
    )
    def post(self, request: Request, pk: Any) -> Response:
        recommendation = _visible(request, pk)
        serializer = WithdrawInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service.recommendation_unpublish(
            actor=request.user, recommendation=recommendation,
            reason=serializer.validated_data["reason"],
        )
        return _detail(request, recommendation.pk)


def _good_practice(request: Request, pk: Any) -> Response:
    record = selectors.good_practice_detail_for(request.user, pk=pk)
    return Response(GoodPracticeDetailSerializer(record).data)


@extend_schema(tags=["good practices"], parameters=[ID])
class GoodPracticePublishView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: GoodPracticeDetailSerializer},
        description="Publish a draft record in the public catalogue (coordinators).",
    )
    def post(self, request: Request, pk: Any) -> Response:
        record = selectors.good_practice_detail_for(request.user, pk=pk)
        services.good_practice_publish(actor=request.user, good_practice=record)
        return _good_practice(request, record.pk)


@extend_schema(tags=["good practices"], parameters=[ID])
class GoodPracticeUnpublishView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=WithdrawInputSerializer,
        responses={200: GoodPracticeDetailSerializer},
        description="Withdraw a published record to draft, saying why (coordinators).",
    )
    def post(self, request: Request, pk: Any) -> Response:
        record = selectors.good_practice_detail_for(request.user, pk=pk)
        serializer = WithdrawInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.good_practice_unpublish(
            actor=request.user, good_practice=record, reason=serializer.validated_data["reason"]
        )
        return _good_practice(request, record.pk)
