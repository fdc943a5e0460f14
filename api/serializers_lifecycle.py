"""Output serializers of the referral bodies (kept apart from ``api.serializers``, which uses
them, so the history serializers in ``api.serializers_history`` can import from both).
Input serializers of the steps live with the steps (``workflows.transition_inputs``)."""

from __future__ import annotations

from rest_framework import serializers

from workflows.models import ReferralBody


class ReferralBodySerializer(serializers.ModelSerializer):
    # Not "uri": an empty website is "" (the admin leaves it blank).
    website = serializers.CharField(read_only=True)

    class Meta:
        model = ReferralBody
        fields = ["id", "name", "description", "website"]
        read_only_fields = fields
