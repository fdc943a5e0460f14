"""Saved views: a person's named search and filters of the challenge list, as services (writes)
and selectors (reads, including the new matches a subscribed view adds to the digest).

The filtering is the challenge list's own (``filtered_challenges``), so a saved view shows
exactly what the list shows for the same address.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from core.exceptions import MissingInput, NotFound

from .. import selectors
from ..forms import ChallengeFilterForm
from ..models import Challenge
from . import query as search_query
from .models import SavedView

KEYS = ("q", "state", "topic", "region", "working_group", "organisation", "sort")
MAX_VIEWS = 50


def filtered_challenges(
    user: Any, params: QueryDict, *, best: bool = False
) -> tuple[ChallengeFilterForm, QuerySet[Challenge], search_query.PreparedQuery | None]:
    """The challenges ``user`` may see narrowed by the list's filters in ``params``; with
    search words, matched and ranked (relevance first unless another order is chosen).
    ``best``: a list by relevance shows only the best matches (``PreparedQuery.apply_best``);
    the digest's new matches and the board's counts need every match."""
    form = ChallengeFilterForm(params or None)
    qs = selectors.challenges_visible_to(user).prefetch_related(None)
    sort = ChallengeFilterForm.SORTS["newest"]
    prepared = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        for field in ("state", "topic", "region", "working_group", "organisation"):
            if data.get(field):
                qs = qs.filter(**{field: data[field]})
        chosen = data.get("sort") or ("relevance" if data.get("q") else "newest")
        if data.get("q"):
            prepared = search_query.prepare(data["q"])
            qs = prepared.apply_best(qs) if best and chosen == "relevance" else prepared.apply(qs)
        elif chosen == "relevance":
            chosen = "newest"
        sort = ChallengeFilterForm.SORTS.get(chosen, sort)
    return form, qs.order_by(*sort), prepared


def normalised_query(raw: str) -> str:
    """Only the list's own parameters, empty ones dropped, in a fixed order."""
    params = QueryDict(raw or "")
    clean = QueryDict(mutable=True)
    for key in KEYS:
        value = (params.get(key) or "").strip()
        if value:
            clean[key] = value[:200]
    return clean.urlencode()


# --- services -----------------------------------------------------------------------------------


def saved_view_create(*, actor: Any, name: str, query: str, subscribed: bool = False) -> SavedView:
    """Save the list's search and filters ``query`` under ``name`` for the actor (signed-in
    people only; names are unique per person). Raises ``MissingInput``."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Give the view a name.")]
    elif len(name) > 100:
        errors["name"] = [_("At most %(max)d characters.") % {"max": 100}]
    if SavedView.objects.filter(owner=actor).count() >= MAX_VIEWS:
        errors["name"] = [_("You have %(max)d saved views; delete one first.") % {"max": MAX_VIEWS}]
    if errors:
        raise MissingInput(fields=errors)
    try:
        with transaction.atomic():
            return SavedView.objects.create(
                owner=actor, name=name, query=normalised_query(query), subscribed=subscribed
            )
    except IntegrityError:
        raise MissingInput(fields={"name": [_("You already have a view with this name.")]}) from None


def _own(actor: Any, saved_view: SavedView | int) -> SavedView:
    pk = saved_view.pk if isinstance(saved_view, SavedView) else saved_view
    view = SavedView.objects.select_for_update().filter(pk=pk, owner=actor).first()
    if view is None:
        raise NotFound(_("Saved view not found."))
    return view


def saved_view_subscribe(*, actor: Any, saved_view: SavedView | int, subscribed: bool) -> SavedView:
    """Have the view's new matches in one's digest, or not. Only the owner; others get
    ``NotFound``."""
    with transaction.atomic():
        view = _own(actor, saved_view)
        if view.subscribed != subscribed:
            view.subscribed = subscribed
            view.save(update_fields=["subscribed"])
    return view


def saved_view_delete(*, actor: Any, saved_view: SavedView | int) -> None:
    """Delete one's own saved view (others get ``NotFound``)."""
    with transaction.atomic():
        _own(actor, saved_view).delete()


# --- selectors ----------------------------------------------------------------------------------


def saved_views_of(user: Any) -> list[SavedView]:
    return list(SavedView.objects.filter(owner=user).order_by("name", "id"))


def new_matches_for(
    user: Any, *, since: datetime.datetime, until: datetime.datetime, limit: int = 10
) -> list[tuple[SavedView, list[Challenge]]]:
    """For each view ``user`` subscribed to: the challenges filed in (since, until] that it
    shows them now (not their own filings), at most ``limit`` each; views without any are
    left out. This is what the digest lists under "Your saved views"."""
    result = []
    for view in SavedView.objects.filter(owner=user, subscribed=True).order_by("name", "id"):
        _form, qs, _prepared = filtered_challenges(user, QueryDict(view.query))
        matches = list(
            qs.filter(created_at__gt=since, created_at__lte=until).exclude(reporter=user)[:limit]
        )
        if matches:
            result.append((view, matches))
    return result
