"""Forms of the editorial pages of good-practice records. They check shape only; the services
in ``workflows.editorial`` and ``workflows.services`` decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Organisation, Region, TargetGroup, Topic

from .editorial import TITLE_MAX
from .models import GoodPractice


def _text(label, rows: int = 4, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text, max_length=20_000,
    )


class GoodPracticeEditForm(forms.Form):
    """Every editorial field of a record; ``base_version`` is the version the editor opened, so
    a save over someone else's newer save is refused instead of silently overwriting it."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    problem = _text(_("The problem it answers"), 5)
    approach = _text(_("The approach"), 6)
    context = _text(_("Context and location"), 3)
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups"), queryset=TargetGroup.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"), queryset=Region.objects.all(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners involved"),
        queryset=Organisation.objects.filter(status=Organisation.Status.ADMITTED),
        required=False, widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    resources_cost = _text(_("Resources: cost"), 2)
    resources_staff = _text(_("Resources: staff"), 2)
    resources_time = _text(_("Resources: time"), 2)
    timescale = forms.CharField(label=_("Timescale"), max_length=200, required=False)
    evidence = _text(
        _("Evidence of success (indicators)"), 5,
        _("The evidence of later successful trials is added here when they are evaluated."),
    )
    difficulties = _text(_("Difficulties encountered"), 3)
    lessons_learnt = _text(_("Lessons learnt"), 5)
    transferability = _text(_("Potential for transfer"), 4)


class UnpublishForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the record withdrawn?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2_000,
        help_text=_("Kept in the record's versions, visible to coordinators and the group."),
    )


class PublishForm(forms.Form):
    confirmed = forms.BooleanField(
        label=_("I have read the preview and want to publish this record for everyone."),
    )


class _RecordChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: GoodPractice) -> str:
        if obj.status == GoodPractice.Status.DRAFT:
            return f"{obj.title} ({_('draft')})"
        return obj.title


class RecommendationForm(forms.Form):
    """A written recommendation; ``base_version`` only when editing."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    target_group = forms.ModelChoiceField(
        label=_("Target group"), queryset=TargetGroup.objects.all(),
        empty_label=_("Choose a target group"),
    )
    text = forms.CharField(
        label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 12}), max_length=50_000,
        help_text=_("What should this target group do, and why? Blank lines separate paragraphs."),
    )
    good_practices = _RecordChoices(
        label=_("Supporting good practices"),
        queryset=GoodPractice.objects.order_by("title"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only published records can support a published recommendation."),
    )
