"""Output serializers of the lifecycle additions: referral bodies (and the history, see
``api.views_history``). Input serializers of the steps live with the steps
(``workflows.transition_inputs``)."""

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
