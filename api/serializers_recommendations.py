"""Written recommendations in the API: the input is built from the page's own form
(``workflows.forms_editorial.RecommendationForm``: the same fields, lengths and choices) and saved
by the same services (``workflows.recommendations``), versioned like a save on the page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workflows import recommendations
from workflows.forms_editorial import RecommendationForm, UnpublishForm
from workflows.models import GoodPractice
from workflows.models_editorial import Recommendation

from .serializers import StrictJSONSerializer, TargetGroupSerializer

FIELDS = ("title", "text", "target_group", "good_practices")


def _from_form(name: str, *, partial: bool) -> serializers.Field:
    """The API field of one of the form's fields; every field optional in a PATCH."""
    field = RecommendationForm.base_fields[name]
    required = field.required and not partial
    if isinstance(field, forms.ModelMultipleChoiceField):
        return serializers.PrimaryKeyRelatedField(
            queryset=field.queryset, many=True, required=False, help_text=field.help_text,
        )
    if isinstance(field, forms.ModelChoiceField):
        return serializers.PrimaryKeyRelatedField(
            queryset=field.queryset, required=required, help_text=field.label,
        )
    return serializers.CharField(
        required=required, allow_blank=False, max_length=field.max_length,
        trim_whitespace=False, help_text=field.help_text or field.label,
    )


class RecommendationInputSerializer(StrictJSONSerializer):
    """A new recommendation (a draft): title, text, target group and the supporting records."""

    def get_fields(self):
        fields = super().get_fields()
        for name in FIELDS:
            fields[name] = _from_form(name, partial=False)
        return fields


class RecommendationEditSerializer(StrictJSONSerializer):
    """Some fields of a recommendation and the version the client read: a save over someone
    else's newer save is refused with 409."""

    base_version = serializers.IntegerField(
        min_value=0,
        help_text=_("The recommendation's `version` you read; a newer save meanwhile answers 409."),
    )

    def get_fields(self):
        fields = super().get_fields()
        for name in FIELDS:
            fields[name] = _from_form(name, partial=True)
        return fields


class WithdrawInputSerializer(StrictJSONSerializer):
    reason = serializers.CharField(
        max_length=UnpublishForm.base_fields["reason"].max_length, trim_whitespace=False,
        help_text=_("Why it goes back to draft; kept in the versions."),
    )


class GoodPracticeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = GoodPractice
        fields = ["id", "slug", "title", "status"]
        read_only_fields = fields


class RecommendationSerializer(serializers.ModelSerializer):
    target_group = TargetGroupSerializer(read_only=True)
    good_practices = GoodPracticeRefSerializer(many=True, read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "id", "slug", "title", "text", "status", "target_group", "good_practices",
            "published_at", "updated_at",
        ]
        read_only_fields = fields


class RecommendationDetailSerializer(RecommendationSerializer):
    """A recommendation with its current version number (to send back as ``base_version``)."""

    version = serializers.SerializerMethodField()

    class Meta(RecommendationSerializer.Meta):
        fields = [*RecommendationSerializer.Meta.fields, "version"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(min_value=0))
    def get_version(self, recommendation: Recommendation) -> int:
        return recommendations.recommendation_current_version(recommendation)
