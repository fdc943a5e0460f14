"""``GET /api/v1/stats/``: current counts plus the figures of a time window."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.stats import challenge_stats_for
from workflows.stats_window import window_stats_for

from .serializers_stats import StatsWindowQuerySerializer, WindowStatsSerializer, window_payload


@extend_schema(tags=["statistics"])
class StatsView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "from", OpenApiTypes.DATE,
                description="First day, YYYY-MM-DD (default: twelve weeks before `to`).",
            ),
            OpenApiParameter(
                "to", OpenApiTypes.DATE, description="Last day, YYYY-MM-DD (default: today)."
            ),
        ],
        responses={200: WindowStatsSerializer},
    )
    def get(self, request: Request) -> Response:
        """Counts per state, topic and region now, and for the window: the cumulative flow
        (cases per state at the end of each week), cycle time and waiting time per state
        (median, 80th percentile), throughput per week, and breakdowns by topic, region,
        organisation and target group; over the challenges you may see."""
        # A plain dict, not the QueryDict: DRF treats an empty form value ("?to=") of an
        # optional field as absent, but an empty date is invalid input (400).
        query = StatsWindowQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        window = query.validated_data["window"]
        payload = window_payload(
            challenge_stats_for(request.user), window_stats_for(request.user, window)
        )
        return Response(WindowStatsSerializer(payload).data)
