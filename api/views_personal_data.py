"""The caller's data rights through the API: download everything the network keeps about you,
and ask for (or withdraw) the erasure of your account, which a coordinator confirms on the
data-protection page."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import personal_data

from . import serializers_personal_data as s


def _erasure_status(user: Any) -> dict[str, Any]:
    pending = personal_data.pending_erasure_request(user)
    return {
        "status": "pending" if pending else "none",
        "requested_at": pending.requested_at if pending else None,
    }


@extend_schema(tags=["me"])
class MeExportView(APIView):
    @extend_schema(responses={200: s.PersonalDataExportSerializer})
    def get(self, request: Request) -> Response:
        """Everything the network keeps about you (DSGVO Art. 15 and 20): profile,
        memberships, working groups, challenges you filed, comments, steps you took,
        records you wrote, follows, mail preferences and the mails sent to you."""
        data = personal_data.personal_data_export(actor=request.user, person=request.user)
        return Response(s.PersonalDataExportSerializer(data).data)


@extend_schema(tags=["me"])
class MeErasureView(APIView):
    @extend_schema(responses={200: s.ErasureStatusSerializer})
    def get(self, request: Request) -> Response:
        """Whether you asked for the erasure of your account."""
        return Response(s.ErasureStatusSerializer(_erasure_status(request.user)).data)

    @extend_schema(request=None, responses={202: s.ErasureStatusSerializer})
    def post(self, request: Request) -> Response:
        """Ask for the erasure of your account (asking again changes nothing). A coordinator
        confirms it; then name, e-mail, tokens, preferences and mails are deleted, and your
        contributions show "former member"."""
        personal_data.erasure_request(actor=request.user)
        return Response(
            s.ErasureStatusSerializer(_erasure_status(request.user)).data,
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        """Withdraw your pending request (none pending: nothing happens)."""
        personal_data.erasure_withdraw(actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
