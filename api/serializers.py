"""Serializers validate shape and render; rules live in the services and ``workflows.permissions``.

Output serializers read objects the selectors already joined (no query per row). Input
serializers name exactly the fields a client may write: ``state``, ``reporter``,
``organisation`` (after filing), working group and log entries appear only in output
serializers, so a client can never set them.
"""

from __future__ import annotations

import copy
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.models import Organisation, Region, TargetGroup, Topic, User, WorkingGroup
from core.strict_json import StrictJSONMixin
from workflows import permissions
from workflows.models import (
    Analysis,
    Approach,
    Challenge,
    ClosureReason,
    Comment,
    Evaluation,
    GoodPractice,
    State,
    Trial,
    Visibility,
)
from workflows.services import TITLE_MAX

from .serializers_lifecycle import ReferralBodySerializer

TEXT_MAX = 20_000


class StrictJSONSerializer(StrictJSONMixin, serializers.Serializer):
    """Input must have the JSON types the schema promises (``core.strict_json``, the one rule
    for the API's serializers and the lifecycle's inputs alike)."""


class BuiltOnceMixin:
    """For the output serializers of a challenge's detail, which every detail and every step's
    answer instantiates a dozen times (issue 14: building their fields from the models was
    85 % of rendering one): the fields are built once per class, and each serializer gets its
    own deep copy of them, as DRF gives each its own copy of the declared fields. Only for
    serializers whose fields depend on nothing but their class (no request, no context)."""

    def get_fields(self) -> dict[str, Any]:
        built = type(self).__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()  # type: ignore[misc]
            type(self)._built_fields = built
        return copy.deepcopy(built)


# --- reference data -----------------------------------------------------------------------------


class TopicSerializer(BuiltOnceMixin, serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("Name in the active language."))

    class Meta:
        model = Topic
        fields = ["id", "slug", "name", "name_de", "name_en"]


class TargetGroupSerializer(BuiltOnceMixin, serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("Name in the active language."))

    class Meta:
        model = TargetGroup
        fields = ["id", "slug", "name", "name_de", "name_en"]


class RegionSerializer(BuiltOnceMixin, serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "slug", "name", "kind"]


class OrganisationRefSerializer(BuiltOnceMixin, serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]


class OrganisationSerializer(serializers.ModelSerializer):
    region = RegionSerializer(read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "region", "website", "description", "status"]


class WorkingGroupRefSerializer(BuiltOnceMixin, serializers.ModelSerializer):
    class Meta:
        model = WorkingGroup
        fields = ["id", "slug", "name"]


class WorkingGroupSerializer(serializers.ModelSerializer):
    topics = TopicSerializer(many=True, read_only=True)
    lead = serializers.SerializerMethodField()

    class Meta:
        model = WorkingGroup
        fields = ["id", "slug", "name", "purpose", "topics", "lead"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_lead(self, group: WorkingGroup) -> str | None:
        return str(group.lead) if group.lead_id else None


class PersonSerializer(BuiltOnceMixin, serializers.ModelSerializer):
    """A person as others see them: no email address."""

    class Meta:
        model = User
        fields = ["id", "display_name"]


# --- challenges: output -------------------------------------------------------------------------


class AnalysisSerializer(BuiltOnceMixin, serializers.ModelSerializer):
    author = PersonSerializer(read_only=True)

    class Meta:
        model = Analysis
        fields = ["root_causes", "affected", "author", "created_at"]


class ApproachSerializer(BuiltOnceMixin, serializers.ModelSerializer):
    # The API names no author of an approach (the schema has none).
    class Meta:
        model = Approach
        fields = ["id", "title", "description", "selected", "good_practice", "created_at"]


class EvaluationSerializer(BuiltOnceMixin, serializers.ModelSerializer):
    class Meta:
        model = Evaluation
        fields = ["id", "outcome", "evidence", "lessons_learned", "created_at"]


class TrialSerializer(BuiltOnceMixin, serializers.ModelSerializer):
    partners = OrganisationRefSerializer(many=True, read_only=True)
    evaluation = serializers.SerializerMethodField()

    class Meta:
        model = Trial
        fields = [
            "id",
            "approach",
            "plan",
            "start",
            "planned_end",
            "partners",
            "status",
            "abandoned_reason",
            "evaluation",
            "created_at",
        ]

    @extend_schema_field(EvaluationSerializer(allow_null=True))
    def get_evaluation(self, trial: Trial) -> dict | None:
        try:
            evaluation = trial.evaluation
        except Evaluation.DoesNotExist:
            return None
        return EvaluationSerializer(evaluation, context=self.context).data


class ChallengeListSerializer(BuiltOnceMixin, serializers.ModelSerializer):
    """A list row; reads only what ``challenges_visible_to`` joins in."""

    topic = TopicSerializer(read_only=True)
    target_groups = TargetGroupSerializer(many=True, read_only=True)
    region = RegionSerializer(read_only=True)
    organisation = OrganisationRefSerializer(read_only=True)
    reporter = PersonSerializer(read_only=True)
    working_group = WorkingGroupRefSerializer(read_only=True, allow_null=True)
    state = serializers.ChoiceField(choices=State.choices, read_only=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, read_only=True)

    class Meta:
        model = Challenge
        fields = [
            "id",
            "title",
            "topic",
            "target_groups",
            "region",
            "visibility",
            "organisation",
            "reporter",
            "working_group",
            "state",
            "state_entered_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ChallengeDetailSerializer(ChallengeListSerializer):
    """A challenge with everything its lifecycle produced, and what the caller may do now.
    Expects the object from ``challenge_detail_for`` and ``allowed_transitions`` in the context."""

    closure_reason = serializers.ChoiceField(
        choices=[("", "")] + list(ClosureReason.choices), read_only=True
    )
    analysis = serializers.SerializerMethodField()
    referral_body = ReferralBodySerializer(read_only=True, allow_null=True)
    approaches = ApproachSerializer(many=True, read_only=True)
    trials = TrialSerializer(many=True, read_only=True)
    allowed_transitions = serializers.SerializerMethodField()

    class Meta(ChallengeListSerializer.Meta):
        fields = ChallengeListSerializer.Meta.fields + [
            "description",
            "closure_reason",
            "duplicate_of",
            "referred_to",
            "referral_body",
            "referred_at",
            "analysis",
            "approaches",
            "trials",
            "allowed_transitions",
        ]
        read_only_fields = fields

    @extend_schema_field(AnalysisSerializer(allow_null=True))
    def get_analysis(self, challenge: Challenge) -> dict | None:
        try:
            analysis = challenge.analysis
        except Analysis.DoesNotExist:
            return None
        return AnalysisSerializer(analysis, context=self.context).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_transitions(self, challenge: Challenge) -> list[str]:
        return [spec.name for spec in self.context.get("allowed_transitions", [])]


class CommentSerializer(StrictJSONSerializer, serializers.ModelSerializer):
    author = PersonSerializer(read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = ["id", "author", "created_at"]
        # Untrimmed: DRF checks max_length after trimming, so 10,001 characters of which most
        # are whitespace passed although the schema says at most 10,000 (the service trims).
        extra_kwargs = {"body": {"max_length": 10_000, "trim_whitespace": False}}


# --- transitions --------------------------------------------------------------------------------


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class InputFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=["text", "longtext", "date", "choice", "id", "ids", "approaches", "state"],
        help_text=_(
            "text/longtext: a string; date: YYYY-MM-DD; choice: one of `choices`; id: an id; "
            "ids: a list of ids; approaches: a list of {title, description, good_practice?, "
            "selected}, exactly one selected; state: the state you expect the challenge in. "
            "Each step's endpoint documents its body exactly."
        ),
    )
    required = serializers.BooleanField()
    label = serializers.CharField()
    choices = serializers.SerializerMethodField()

    @extend_schema_field(ChoiceSerializer(many=True))
    def get_choices(self, field: Any) -> list[dict[str, str]]:
        return [{"value": str(value), "label": str(label)} for value, label in field.choices]


class TransitionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    target = serializers.ChoiceField(choices=State.choices)
    fields = InputFieldSerializer(many=True)



# --- challenges: input --------------------------------------------------------------------------


class ChallengeWriteSerializer(StrictJSONSerializer):
    """The editable fields of a challenge (PATCH: any subset)."""

    # Untrimmed so max_length holds for what was sent (see CommentSerializer); the service trims.
    title = serializers.CharField(max_length=TITLE_MAX, trim_whitespace=False)
    description = serializers.CharField(max_length=TEXT_MAX, trim_whitespace=False)
    topic = serializers.PrimaryKeyRelatedField(queryset=Topic.objects.all())
    target_groups = serializers.PrimaryKeyRelatedField(
        queryset=TargetGroup.objects.all(), many=True, allow_empty=False
    )
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    visibility = serializers.ChoiceField(choices=Visibility.choices)
    confirm_personal_data = serializers.BooleanField(
        required=False,
        write_only=True,
        help_text=_(
            "Text that looks like it names a person (e-mail address, phone number, date of "
            "birth, street address) is refused with a 400 naming what was found; send `true` "
            "to save it anyway."
        ),
    )


class ChallengeFileSerializer(ChallengeWriteSerializer):
    """Filing: the editable fields plus the reporting organisation. The state is always
    ``reported`` and the reporter is the caller."""

    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(status=Organisation.Status.ADMITTED),
        help_text=_("An admitted organisation you may file for (see `GET /me/`)."),
    )
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.NETWORK)

    def validate_organisation(self, organisation: Organisation) -> Organisation:
        allowed = permissions.filable_organisation_ids(self.context["request"].user)
        if allowed is not None and organisation.pk not in allowed:
            raise serializers.ValidationError(
                _("You can only file challenges for an organisation you belong to.")
            )
        return organisation


# --- good practices -----------------------------------------------------------------------------


class GoodPracticeSerializer(serializers.ModelSerializer):
    working_group = WorkingGroupRefSerializer(read_only=True, allow_null=True)
    regions = RegionSerializer(many=True, read_only=True)
    target_groups = TargetGroupSerializer(many=True, read_only=True)
    topics = TopicSerializer(many=True, read_only=True)
    partners = OrganisationRefSerializer(many=True, read_only=True)

    class Meta:
        model = GoodPractice
        fields = [
            "id",
            "slug",
            "title",
            "status",
            "validation",
            "working_group",
            "problem",
            "approach",
            "context",
            "regions",
            "target_groups",
            "topics",
            "partners",
            "contact",
            "resources_cost",
            "resources_staff",
            "resources_time",
            "timescale",
            "evidence",
            "difficulties",
            "lessons_learnt",
            "transferability",
            "trial_count",
            "success_count",
            "partial_count",
            "region_count",
            "typical_duration_days",
            "published_at",
            "updated_at",
        ]
        read_only_fields = fields
