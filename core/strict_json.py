"""Strict JSON types for DRF input serializers, shared by every app's input (the API's own
serializers and the lifecycle's transition inputs alike).

DRF quietly turns ``123`` into ``"123"``, ``0`` into ``false`` and ``"7"`` into an id, so a
client's type mistake would pass unnoticed and the OpenAPI schema would lie. The mixin checks the
JSON type of every writable field (nested serializers and lists of them included) before DRF's
own field validation. Web forms convert their strings to these types before they validate.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers


def json_type_error(field: serializers.Field, value: Any) -> str | None:
    """The message for ``value`` not having the JSON type ``field`` promises, else ``None``."""
    if value is None:
        return None  # DRF's own "may not be null" answers that
    if isinstance(field, serializers.ManyRelatedField):
        ok = isinstance(value, list) and all(
            isinstance(item, int) and not isinstance(item, bool) for item in value
        )
        return None if ok else _("Give a list of ids.")
    if isinstance(field, serializers.ListSerializer):
        return None if isinstance(value, list) else _("Give a list.")
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else _("Give true or false.")
    if isinstance(field, (serializers.IntegerField, serializers.PrimaryKeyRelatedField)):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else _("Give a whole number.")
    if isinstance(field, (serializers.CharField, serializers.ChoiceField, serializers.DateField)):
        return None if isinstance(value, str) else _("Give a text.")
    if isinstance(field, serializers.Serializer):
        return None if isinstance(value, dict) else _("Give an object.")
    return None


class StrictJSONMixin:
    """Mix into a ``serializers.Serializer``: refuse values of the wrong JSON type per field."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            errors = {}
            for name, field in self.fields.items():
                if field.read_only or name not in data:
                    continue
                message = json_type_error(field, data[name])
                if message:
                    errors[name] = [message]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
