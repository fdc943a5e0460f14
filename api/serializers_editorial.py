"""Editing a good-practice record through the API: the input is built from the page's own form
(``workflows.forms_editorial.GoodPracticeEditForm``: the same fields, lengths and choices), and
the save goes through the same service (``workflows.editorial.good_practice_edit``), versioned
like a save on the page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workflows import editorial
from workflows.forms_editorial import GoodPracticeEditForm

from .serializers import GoodPracticeSerializer, StrictJSONSerializer


def _from_form(name: str) -> serializers.Field:
    """The API field of one form field: optional (a PATCH names what it changes), with the
    form's length limit, choices and blank rule."""
    field = GoodPracticeEditForm.base_fields[name]
    if isinstance(field, forms.ModelMultipleChoiceField):
        return serializers.PrimaryKeyRelatedField(
            queryset=field.queryset, many=True, required=False, help_text=str(field.label)
        )
    return serializers.CharField(
        required=False, allow_blank=not field.required, max_length=field.max_length,
        help_text=str(field.label),
    )


class GoodPracticeEditSerializer(StrictJSONSerializer):
    """Some editorial fields of a record and the version the client read (``version`` of the
    record): a save over someone else's newer save is refused with 409."""

    base_version = serializers.IntegerField(
        min_value=0,
        help_text=_("The record's `version` you read; a newer save meanwhile answers 409."),
    )

    def get_fields(self):
        fields = super().get_fields()
        for name in editorial.EDITABLE_FIELDS:
            fields[name] = _from_form(name)
        return fields


class GoodPracticeDetailSerializer(GoodPracticeSerializer):
    """A record with its current version number (to send back as ``base_version``)."""

    version = serializers.SerializerMethodField()

    class Meta(GoodPracticeSerializer.Meta):
        fields = [*GoodPracticeSerializer.Meta.fields, "version"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(min_value=0))
    def get_version(self, record) -> int:
        return editorial.good_practice_current_version(record)
