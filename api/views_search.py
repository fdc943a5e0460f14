"""``GET /api/v1/challenges/similar/?text=...``: the suggestions of the filing form for API
clients: challenges the caller may see that look like the text, and published good practices
that may answer it."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.search.suggest import helpful_good_practices, similar_challenges

from . import serializers as s

MAX_TEXT = 5_000


class SimilarQuerySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_TEXT, trim_whitespace=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SimilarSerializer(serializers.Serializer):
    challenges = s.ChallengeListSerializer(many=True)
    good_practices = s.GoodPracticeSerializer(many=True)


@extend_schema(tags=["challenges"])
class SimilarChallengesView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "text", str, OpenApiParameter.QUERY, required=True,
                description=(
                    "What the new challenge says (its description, or title and description "
                    f"together), at most {MAX_TEXT} characters."
                ),
            ),
            OpenApiParameter(
                "title", str, OpenApiParameter.QUERY, required=False,
                description="The title, if given apart from `text`; its words count double.",
            ),
        ],
        responses={200: SimilarSerializer},
    )
    def get(self, request: Request) -> Response:
        """Before filing: up to five challenges you may see that look like the same problem
        (most alike first, with their state) and up to three published good practices that
        may already answer it. Ranked by the German search (stems, compounds, umlauts,
        synonyms)."""
        params = SimilarQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        title, text = params.validated_data["title"], params.validated_data["text"]
        challenges = similar_challenges(request.user, title=title, description=text)
        records = helpful_good_practices(request.user, title=title, description=text)
        prefetch_related_objects(challenges, "target_groups")
        prefetch_related_objects(records, "regions", "target_groups", "topics", "partners")
        return Response(
            SimilarSerializer({"challenges": challenges, "good_practices": records}).data
        )
