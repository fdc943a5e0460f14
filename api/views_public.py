"""Awareness material and news in the API: the same visibility as the pages
(``network.selectors_public``); something the caller may not see is a 404."""

from __future__ import annotations

from django.http import Http404
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import NotFound
from core.models import TargetGroup, Topic
from network import selectors_public as selectors
from network.models_public import Material

from .filters import SingleValuedParamsMixin
from .pagination import StandardPagination
from .serializers_public import MaterialSerializer, NewsSerializer

ID_SCHEMA = {"type": "integer", "minimum": 0}


class MaterialFilter(SingleValuedParamsMixin, filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Material.Kind.choices)
    language = filters.ChoiceFilter(choices=Material.Language.choices)
    topic = filters.ModelChoiceFilter(queryset=Topic.objects.all())
    target_group = filters.ModelChoiceFilter(queryset=TargetGroup.objects.all())

    class Meta:
        model = Material
        fields = ["kind", "language", "topic", "target_group"]


@extend_schema(tags=["material and news"])
class MaterialListView(generics.ListAPIView):
    """Awareness material the caller may see (visitors: published public material), newest
    first; filter by kind, language, topic and target group (ids)."""

    permission_classes = [AllowAny]
    serializer_class = MaterialSerializer
    pagination_class = StandardPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = MaterialFilter

    def get_queryset(self):
        return selectors.materials_visible_to(self.request.user).order_by(
            "-published_at", "-created_at", "-id"
        )


@extend_schema(tags=["material and news"])
class MaterialDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses={200: MaterialSerializer},
        parameters=[OpenApiParameter("id", ID_SCHEMA, OpenApiParameter.PATH)],
    )
    def get(self, request: Request, pk: str) -> Response:
        try:
            material = selectors.material_detail_for(request.user, pk)
        except NotFound:
            raise Http404() from None
        return Response(MaterialSerializer(material).data)


@extend_schema(tags=["material and news"])
class NewsListView(generics.ListAPIView):
    """News the caller may read (visitors: public news), newest first."""

    permission_classes = [AllowAny]
    serializer_class = NewsSerializer
    pagination_class = StandardPagination

    def get_queryset(self):
        return selectors.news_visible_to(self.request.user).select_related(None)


@extend_schema(tags=["material and news"])
class NewsDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses={200: NewsSerializer},
        parameters=[OpenApiParameter("id", ID_SCHEMA, OpenApiParameter.PATH)],
    )
    def get(self, request: Request, pk: str) -> Response:
        try:
            news = selectors.news_detail_for(request.user, pk)
        except NotFound:
            raise Http404() from None
        return Response(NewsSerializer(news).data)
