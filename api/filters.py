"""Filters of the challenge list. They only narrow ``challenges_visible_to(user)``: no filter
can widen what the caller sees."""

from __future__ import annotations

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter

from core.models import Organisation, Region, Topic, WorkingGroup
from notifications.selectors import stale_q
from workflows.models import Challenge, Follow, State, Visibility


class StrictBooleanFormField(forms.NullBooleanField):
    """``true`` or ``false`` (absent: no filter); Django's field would read nonsense as absent."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in ("true", "false"):
            return value == "true"
        raise forms.ValidationError(_("Give true or false."), code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanFormField

    def __init__(self, *args, **kwargs):
        kwargs["widget"] = forms.TextInput  # hands the raw value to the field, unlike DRF's
        super().__init__(*args, **kwargs)


class SingleValuedParamsMixin:
    """A FilterSet that also refuses an empty or repeated filter parameter with a 400:
    ``region=`` or ``region=1&region=2`` would otherwise be read as no filter or the last value."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        problems = False
        for name in self.filters:
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if len(values) > 1:
                self.form.add_error(name, _("Give this parameter once."))
                problems = True
            elif values and values[0] == "":
                self.form.add_error(name, _("Give a value or leave the parameter out."))
                problems = True
        return valid and not problems


class ChallengeFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=State.choices)
    visibility = filters.ChoiceFilter(choices=Visibility.choices)
    topic = filters.ModelChoiceFilter(queryset=Topic.objects.all())
    region = filters.ModelChoiceFilter(queryset=Region.objects.all())
    working_group = filters.ModelChoiceFilter(queryset=WorkingGroup.objects.all())
    organisation = filters.ModelChoiceFilter(queryset=Organisation.objects.all())
    stale = StrictBooleanFilter(
        method="filter_stale",
        label=_("Only challenges older in their state than the reminder policy allows."),
    )
    followed = StrictBooleanFilter(
        method="filter_followed", label=_("Only challenges you follow.")
    )

    class Meta:
        model = Challenge
        fields = [
            "state",
            "visibility",
            "topic",
            "region",
            "working_group",
            "organisation",
            "stale",
            "followed",
        ]

    # Query parameters that take one value; DRF's search and ordering are checked here too.
    SINGLE_VALUED = ("search", "ordering")

    def is_valid(self) -> bool:
        """Also refuse an empty or repeated filter parameter: ``state=`` or
        ``state=a&state=b`` would otherwise be silently read as no filter or the last value."""
        valid = super().is_valid()
        problems = {}
        for name in [*self.filters, *self.SINGLE_VALUED]:
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if len(values) > 1:
                problems[name] = _("Give this parameter once.")
            elif values and values[0] == "" and name not in self.SINGLE_VALUED:
                problems[name] = _("Give a value or leave the parameter out.")
        for name, message in problems.items():
            if name in self.form.fields:
                self.form.add_error(name, message)
            else:
                self.form.add_error(None, message)
        return valid and not problems

    def filter_stale(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(stale_q()) if value else queryset.exclude(stale_q())

    def filter_followed(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        followed = Exists(
            Follow.objects.filter(user=self.request.user, challenge=OuterRef("pk"))
        )
        return queryset.filter(followed) if value else queryset.exclude(followed)


class StableOrderingFilter(OrderingFilter):
    """``ordering=`` with the id as tie-breaker, so pages never overlap or skip rows."""

    def get_ordering(self, request, queryset, view):
        if not request.query_params.get(self.ordering_param) and request.query_params.get(
            "search", ""
        ).strip():
            return None  # search results keep their order by relevance
        ordering = super().get_ordering(request, queryset, view)
        if ordering and not any(field.lstrip("-") == "id" for field in ordering):
            ordering = [*ordering, "-id" if ordering[0].startswith("-") else "id"]
        return ordering


class ChallengeFilterBackend(DjangoFilterBackend):
    """django-filter builds and validates a form on every request, a sixth of the list's CPU
    in the profile (issue 14). A request that names none of the filter set's parameters (nor
    ``search`` or ``ordering``, which it checks too) gets the queryset unchanged: exactly what
    that form, empty and valid, would have given."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            names = {*filterset_class.base_filters, *getattr(filterset_class, "SINGLE_VALUED", ())}
            if names.isdisjoint(request.query_params.keys()):
                return queryset
        return super().filter_queryset(request, queryset, view)
