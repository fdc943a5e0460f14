"""API views of the good-practice records: the list, a record, and its editing (thin, as
``api.views``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import PermissionDenied
from workflows import editorial, permissions, selectors

from . import serializers as s
from .pagination import StandardPagination
from .schema import ErrorSerializer
from .search import GermanSearchFilter
from .serializers_editorial import (
    GoodPracticeDetailSerializer,
    GoodPracticeEditSerializer,
)
from .views import ID_SCHEMA


@extend_schema(tags=["good practices"])
class GoodPracticeListView(generics.ListAPIView):
    """Published good-practice records for everyone; coordinators (and working groups, for
    their own) also see drafts."""

    permission_classes = [AllowAny]
    serializer_class = s.GoodPracticeSerializer
    pagination_class = StandardPagination
    filter_backends = [GermanSearchFilter]
    search_scope = "good_practice"

    def get_queryset(self):
        return selectors.good_practices_visible_to(self.request.user).order_by(
            "-published_at", "title", "id"
        )


@extend_schema(tags=["good practices"])
class GoodPracticeDetailView(APIView):
    permission_classes = [AllowAny]

    def get_permissions(self):
        if self.request.method == "PATCH":
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(
        responses={200: GoodPracticeDetailSerializer},
        parameters=[OpenApiParameter("id", ID_SCHEMA, OpenApiParameter.PATH)],
    )
    def get(self, request: Request, pk: int) -> Response:
        record = selectors.good_practice_detail_for(request.user, pk=pk)
        return Response(GoodPracticeDetailSerializer(record).data)

    @extend_schema(
        request=GoodPracticeEditSerializer,
        responses={
            200: GoodPracticeDetailSerializer,
            409: OpenApiResponse(
                ErrorSerializer,
                description="Someone saved the record after the `base_version` you read.",
            ),
        },
        parameters=[OpenApiParameter("id", ID_SCHEMA, OpenApiParameter.PATH)],
        description=(
            "Edit some fields of a record (coordinators: every record; the authoring working "
            "group: its drafts), with the same rules as the page; each save that changes "
            "something is a new version."
        ),
    )
    def patch(self, request: Request, pk: int) -> Response:
        record = selectors.good_practice_detail_for(request.user, pk=pk)
        if not permissions.can_edit_good_practice(request.user, record):
            raise PermissionDenied(_("You may not edit this good practice."))
        serializer = GoodPracticeEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        base_version = data.pop("base_version")
        editorial.good_practice_edit(
            actor=request.user, good_practice=record, data=data, base_version=base_version
        )
        record = selectors.good_practice_detail_for(request.user, pk=record.pk)
        return Response(GoodPracticeDetailSerializer(record).data)
