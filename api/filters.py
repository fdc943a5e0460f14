"""Filters of the challenge list. They only narrow ``challenges_visible_to(user)``: no filter
can widen what the caller sees."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework.filters import OrderingFilter

from core.models import Organisation, Region, Topic, WorkingGroup
from notifications.selectors import stale_q
from workflows.models import Challenge, Follow, State, Visibility


class ChallengeFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=State.choices)
    visibility = filters.ChoiceFilter(choices=Visibility.choices)
    topic = filters.ModelChoiceFilter(queryset=Topic.objects.all())
    region = filters.ModelChoiceFilter(queryset=Region.objects.all())
    working_group = filters.ModelChoiceFilter(queryset=WorkingGroup.objects.all())
    organisation = filters.ModelChoiceFilter(queryset=Organisation.objects.all())
    stale = filters.BooleanFilter(
        method="filter_stale",
        label=_("Only challenges older in their state than the reminder policy allows."),
    )
    followed = filters.BooleanFilter(
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
        ordering = super().get_ordering(request, queryset, view)
        if ordering and not any(field.lstrip("-") == "id" for field in ordering):
            ordering = [*ordering, "-id" if ordering[0].startswith("-") else "id"]
        return ordering
