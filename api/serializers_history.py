"""Serializers of a challenge's history (steps, edits, (re)assignments) and of the assignment
input; see ``api.views_history``."""

from __future__ import annotations

from rest_framework import serializers

from core.models import WorkingGroup
from core.strict_json import StrictJSONMixin

from .serializers import PersonSerializer


class DiffPieceSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=["equal", "delete", "insert"])
    text = serializers.CharField()


class FieldChangeSerializer(serializers.Serializer):
    """One field changed: before and after as stored (text, ``{id, name}`` or a list of
    those), the same as one line each, and for title and description a word diff."""

    field = serializers.ChoiceField(
        choices=["title", "description", "topic", "target_groups", "region", "visibility",
                 "working_group"]
    )
    label = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    before_text = serializers.CharField()
    after_text = serializers.CharField()
    diff = DiffPieceSerializer(many=True, allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    """A step (``kind: transition``, with the step's input as recorded) or a change of fields
    (``kind: change``: an edit, or a (re)assignment of the working group)."""

    kind = serializers.ChoiceField(choices=["transition", "change"])
    id = serializers.IntegerField(help_text="Id of the log entry, or of the first changed field.")
    at = serializers.DateTimeField()
    actor = PersonSerializer()
    transition = serializers.CharField(help_text="Empty for changes.")
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    note = serializers.CharField()
    inputs = serializers.DictField(help_text="The step's input as recorded (empty for changes).")
    changes = FieldChangeSerializer(many=True)


class AssignmentInputSerializer(StrictJSONMixin, serializers.Serializer):
    working_group = serializers.PrimaryKeyRelatedField(
        queryset=WorkingGroup.objects.all(),
        allow_null=True,
        help_text="The group to assign; null removes the assignment.",
    )
