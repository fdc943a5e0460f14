"""The shape of a person's data export and of their erasure request, for the OpenAPI schema
(``GET /me/export/``, ``/me/erasure/``). The export's content comes from
``core.personal_data.personal_data_export``; these serializers only type it."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from core.models import ErasureRequest
from notifications.models import OutgoingMail, Preference
from workflows.models import State, Visibility


class ExportProfileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    preferred_language = serializers.ChoiceField(choices=settings.LANGUAGES)
    is_coordinator = serializers.BooleanField()
    is_stakeholder = serializers.BooleanField()
    is_active = serializers.BooleanField()
    date_joined = serializers.DateTimeField()
    last_login = serializers.DateTimeField(allow_null=True)


class ExportMembershipSerializer(serializers.Serializer):
    organisation_id = serializers.IntegerField()
    organisation = serializers.CharField()
    since = serializers.DateTimeField()


class ExportWorkingGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    lead = serializers.BooleanField()


class ExportErasureRequestSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ErasureRequest.Status.choices)
    requested_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class ExportChallengeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    organisation = serializers.CharField()
    state = serializers.ChoiceField(choices=State.choices)
    visibility = serializers.ChoiceField(choices=Visibility.choices)
    created_at = serializers.DateTimeField()


class ExportCommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    challenge_id = serializers.IntegerField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class ExportTransitionSerializer(serializers.Serializer):
    challenge_id = serializers.IntegerField()
    transition = serializers.CharField()
    from_state = serializers.CharField(allow_blank=True)
    to_state = serializers.CharField()
    at = serializers.DateTimeField()
    note = serializers.CharField(allow_blank=True)


class ExportRecordSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["analysis", "approach", "trial", "evaluation"])
    id = serializers.IntegerField()
    challenge_id = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class ExportFollowSerializer(serializers.Serializer):
    challenge_id = serializers.IntegerField()
    since = serializers.DateTimeField()


class ExportPreferencesSerializer(serializers.Serializer):
    immediate = serializers.BooleanField()
    digest = serializers.ChoiceField(choices=Preference.Digest.choices)


class ExportMailSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OutgoingMail.Kind.choices)
    to = serializers.EmailField()
    subject = serializers.CharField()
    body = serializers.CharField()
    status = serializers.ChoiceField(choices=OutgoingMail.Status.choices)
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)


class PersonalDataExportSerializer(serializers.Serializer):
    format = serializers.CharField()
    exported_at = serializers.DateTimeField()
    profile = ExportProfileSerializer()
    memberships = ExportMembershipSerializer(many=True)
    working_groups = ExportWorkingGroupSerializer(many=True)
    erasure_requests = ExportErasureRequestSerializer(many=True)
    challenges_filed = ExportChallengeSerializer(many=True)
    comments = ExportCommentSerializer(many=True)
    transitions_performed = ExportTransitionSerializer(many=True)
    records_written = ExportRecordSerializer(many=True)
    follows = ExportFollowSerializer(many=True)
    preferences = ExportPreferencesSerializer()
    mails = ExportMailSerializer(many=True)


class ErasureStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["none", "pending"],
        help_text="`pending`: you asked, a coordinator has not decided yet.",
    )
    requested_at = serializers.DateTimeField(allow_null=True)
