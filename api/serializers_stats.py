"""The statistics API's window query and answer."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.exceptions import MissingInput
from workflows.models import State
from workflows.stats_window import window_for


class StateCountSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=State.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()


class TaxonomyCountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class StateDurationSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=State.choices)
    label = serializers.CharField()
    median_days = serializers.FloatField(
        allow_null=True, help_text=_("Median of the completed stays; null when there is none.")
    )
    stays = serializers.IntegerField(help_text=_("Completed stays the median is taken over."))


class StatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_state = StateCountSerializer(many=True)
    by_topic = TaxonomyCountSerializer(many=True)
    by_region = TaxonomyCountSerializer(many=True)
    median_days_in_state = StateDurationSerializer(many=True)



class StatsWindowQuerySerializer(serializers.Serializer):
    """``from`` and ``to`` (both days included); without them, the last twelve weeks."""

    from_ = serializers.DateField(
        required=False, input_formats=["%Y-%m-%d"], help_text=_("First day (YYYY-MM-DD).")
    )
    to = serializers.DateField(
        required=False, input_formats=["%Y-%m-%d"], help_text=_("Last day (YYYY-MM-DD).")
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields

    def validate(self, attrs):
        try:
            attrs["window"] = window_for(attrs.get("from"), attrs.get("to"))
        except MissingInput as error:
            raise serializers.ValidationError(error.fields) from None
        return attrs


def _state_counts_serializer() -> type[serializers.Serializer]:
    fields = {state.value: serializers.IntegerField() for state in State}
    return type("StateCountsSerializer", (serializers.Serializer,), fields)


StateCountsSerializer = _state_counts_serializer()


class WindowSerializer(serializers.Serializer):
    from_ = serializers.DateField(source="start")
    to = serializers.DateField(source="end")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class FlowWeekSerializer(serializers.Serializer):
    week_ending = serializers.DateField()
    counts = StateCountsSerializer(help_text=_("Challenges in each state at the end of the week."))


class DurationSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=State.choices)
    label = serializers.CharField()
    count = serializers.IntegerField(help_text=_("Stays (cycle time) or cases (waiting time)."))
    median_days = serializers.FloatField(allow_null=True)
    p80_days = serializers.FloatField(allow_null=True)


class ThroughputWeekSerializer(serializers.Serializer):
    week_ending = serializers.DateField()
    filed = serializers.IntegerField()
    finished = serializers.IntegerField(help_text=_("Evaluated or closed in the week."))


class ThroughputSerializer(serializers.Serializer):
    filed = serializers.IntegerField()
    finished = serializers.IntegerField()
    per_week = ThroughputWeekSerializer(many=True)


class BreakdownListSerializer(serializers.ListSerializer):
    """The rows as the fields below would give them, built directly: a network's thousands of
    organisations through a field object each were a third of the answer's time at 1M
    challenges (issue 14)."""

    def to_representation(self, data):
        return [
            {"id": int(b.id), "slug": str(b.slug), "name": str(b.name), "filed": int(b.filed),
             "finished": int(b.finished)}
            for b in data
        ]


class BreakdownSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField(allow_blank=True)
    name = serializers.CharField()
    filed = serializers.IntegerField()
    finished = serializers.IntegerField()

    class Meta:
        list_serializer_class = BreakdownListSerializer


class BreakdownsSerializer(serializers.Serializer):
    topic = BreakdownSerializer(many=True)
    region = BreakdownSerializer(many=True)
    organisation = BreakdownSerializer(many=True)
    target_group = BreakdownSerializer(many=True)


class WindowStatsSerializer(StatsSerializer):
    """The current counts (``total``, ``by_state``, …) and the window's figures."""

    window = WindowSerializer()
    cumulative_flow = FlowWeekSerializer(many=True)
    cycle_time = DurationSerializer(
        many=True, help_text=_("Stays in each state that ended inside the window.")
    )
    waiting_time = DurationSerializer(
        many=True,
        help_text=_("How long the cases in each state at the window's end had waited there."),
    )
    throughput = ThroughputSerializer()
    breakdowns = BreakdownsSerializer()


def window_payload(current, figures) -> dict:
    """The serializer's input from ``challenge_stats_for`` and ``window_stats_for``."""
    return {
        "total": current.total,
        "by_state": current.by_state,
        "by_topic": current.by_topic,
        "by_region": current.by_region,
        "median_days_in_state": current.median_days_in_state,
        "window": figures.window,
        "cumulative_flow": figures.weeks,
        "cycle_time": figures.cycle_time,
        "waiting_time": figures.waiting_time,
        "throughput": {
            "filed": figures.filed, "finished": figures.finished, "per_week": figures.weeks,
        },
        "breakdowns": figures.breakdowns,
    }
