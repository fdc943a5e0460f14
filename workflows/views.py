"""The pages of one challenge and of the challenge list: list, filing, the challenge's page
with its timeline, editing, comments, following and the working group's assignment.

Thin views: reads through ``workflows.selectors`` (visibility decided there), writes through
``workflows.services``; domain errors become field errors and messages. A challenge the person
may not see is "not found" (404), never "forbidden". Every page runs a fixed number of queries
whatever the number of rows (pinned in tests/web/test_queries.py). The other pages live beside
this module by sub-domain: ``views_my_work`` (the start page), ``views_board``, ``views_steps``
(lifecycle steps), ``views_good_practices``, ``views_editorial``, ``views_recommendations``,
``views_statistics``, ``views_import``, ``views_open_data``, ``views_lookup``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import DomainError, NotFound
from core.forms import copy_field_errors
from core.pagination import ScalablePaginator

from . import history, permissions, selectors, services
from .form_submit import form_submit
from .forms import AssignForm, ChallengeForm, CommentForm, NewChallengeForm
from .models import Challenge, ClosureReason, Follow, State
from .search import saved_views
from .search import suggest as search_suggest
from .transitions import TRANSITIONS

PAGE_SIZE = 25
STATE_LABELS = dict(State.choices)
CLOSURE_LABELS = dict(ClosureReason.choices)


def detail_or_404(user: Any, pk: Any) -> Challenge:
    """The challenge with its whole history, or 404 when ``user`` may not see it."""
    try:
        return selectors.challenge_detail_for(user, pk)
    except NotFound:
        raise Http404() from None


def visible_or_404(user: Any, pk: Any) -> Challenge:
    """The challenge's own row, or 404 when ``user`` may not see it."""
    challenge = selectors.challenges_visible_to(user).prefetch_related(None).filter(pk=pk).first()
    if challenge is None:
        raise Http404()
    return challenge


@login_required
def challenge_list(request: HttpRequest) -> HttpResponse:
    form, qs, prepared = saved_views.filtered_challenges(request.user, request.GET, best=True)
    # Bounded count and deep pages by id (core.pagination): the list costs the same at a
    # million challenges as at ten thousand.
    page = ScalablePaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    if prepared is not None:
        for challenge in page.object_list:
            challenge.marked_title = prepared.snippet(challenge.title, words=200)
            challenge.snippet = prepared.snippet(challenge.description)
    query = request.GET.copy()
    query.pop("page", None)
    glance_query = query.copy()
    glance_query.pop("state", None)
    context = {"form": form, "page": page, "query": query.urlencode(),
               "view_query": saved_views.normalised_query(query.urlencode()),
               "glance": selectors.glance_of(qs), "glance_query": glance_query.urlencode()}
    if request.htmx and request.htmx.target == "results":
        return render(request, "workflows/_challenge_results.html", context)
    return render(request, "workflows/challenge_list.html", context)



@login_required
@require_http_methods(["GET", "POST"])
def challenge_new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_file_challenge(request.user):
        return render(request, "workflows/cannot_file.html", status=403)
    status = 200
    if request.method == "POST":
        form = NewChallengeForm(request.POST, user=request.user)
        done, status = form_submit(
            request, form,
            lambda data: services.challenge_file(
                actor=request.user,
                organisation=data["organisation"],
                title=data["title"],
                description=data["description"],
                topic=data["topic"],
                target_groups=list(data["target_groups"]),
                region=data["region"],
                visibility=data["visibility"],
                confirm_personal_data=data["confirm_personal_data"],
            ),
            success=_("The challenge is filed. Thank you!"),
            then=lambda challenge: redirect("challenge-detail", pk=challenge.pk),
        )
        if done:
            return done
    else:
        form = NewChallengeForm(user=request.user)
    return render(request, "workflows/challenge_new.html", {"form": form}, status=status)


_SOURCE_OF_RECORDS = {"analyse": "analysis", "propose_approach": "approaches",
                      "revise_approach": "approaches", "start_trial": "trial", "evaluate": "evaluation"}


def _timeline(challenge: Challenge) -> list[dict[str, Any]]:
    """Transitions and comments in time order; each step carries the records it wrote
    (the services stamp them with the time of the step)."""
    approaches = list(challenge.approaches.all())
    trials = list(challenge.trials.all())
    analysis = getattr(challenge, "analysis", None)
    items: list[dict[str, Any]] = []
    for entry in challenge.log.all():
        item: dict[str, Any] = {"kind": "step", "at": entry.at, "entry": entry,
                                "actor": entry.actor, "note": entry.note}
        spec = TRANSITIONS.get(entry.transition)
        item["label"] = spec.label if spec else _("Filed")
        item["from_label"] = STATE_LABELS.get(entry.from_state, entry.from_state)
        item["to_label"] = STATE_LABELS.get(entry.to_state, entry.to_state)
        if entry.transition == "close":
            item["closure"] = {
                "reason": CLOSURE_LABELS.get(entry.inputs.get("reason"), ""),
                "referral_body": (entry.inputs.get("referral_body") or {}).get("name"),
                "duplicate_of": (entry.inputs.get("duplicate_of") or {}).get("id"),
            }
        source = _SOURCE_OF_RECORDS.get(entry.transition)
        if source == "analysis" and analysis is not None and analysis.created_at == entry.at:
            item["analysis"] = analysis
        elif source == "approaches":
            item["approaches"] = [a for a in approaches if a.created_at == entry.at]
        elif source == "trial":
            item["trials"] = [t for t in trials if t.created_at == entry.at]
        elif source == "evaluation":
            item["evaluations"] = [
                t.evaluation for t in trials
                if hasattr(t, "evaluation") and t.evaluation.created_at == entry.at
            ]
        items.append(item)
    for comment in challenge.comments.all():
        items.append({"kind": "comment", "at": comment.created_at, "comment": comment,
                      "actor": comment.author})
    grouped: dict[Any, dict[str, Any]] = {}
    for change in challenge.changes.all():  # edits and assignments, one item per event
        key = change.event_id or f"c{change.pk}"
        if key not in grouped:
            grouped[key] = {"kind": "change", "at": change.at, "actor": change.actor,
                            "assignment": change.field == "working_group", "changes": []}
            items.append(grouped[key])
        grouped[key]["changes"].append(history.describe_change(change))
    order = {"step": 0, "change": 1, "comment": 2}
    items.sort(key=lambda i: (i["at"], order[i["kind"]]))
    return items


def _render_detail(
    request: HttpRequest,
    challenge: Challenge,
    *,
    comment_form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    context = {
        "challenge": challenge,
        "timeline": _timeline(challenge),
        "steps": selectors.allowed_transitions_for(user, challenge),
        "following": Follow.objects.filter(user=user, challenge=challenge).exists(),
        "can_edit": permissions.can_edit_challenge(user, challenge),
        "can_comment": permissions.can_comment(user, challenge),
        "can_follow": permissions.can_follow(user, challenge),
        "comment_form": comment_form or CommentForm(),
        "assign_form": (
            AssignForm(initial={"working_group": challenge.working_group_id})
            if permissions.can_assign_working_group(user, challenge) else None
        ),
        "target_groups": list(challenge.target_groups.all()),
        **search_suggest.detail_context(user, challenge),
    }
    context["network_name"] = settings.NETWORK_NAME  # the printed summary names the network
    return render(request, "workflows/challenge_detail.html", context, status=status)


@login_required
def challenge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, detail_or_404(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def challenge_edit(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = detail_or_404(request.user, pk)
    if not permissions.can_edit_challenge(request.user, challenge):
        messages.error(request, _("You may not edit this challenge."))
        return _render_detail(request, challenge, status=403)
    status = 200
    if request.method == "POST":
        form = ChallengeForm(request.POST)
        done, status = form_submit(
            request, form,
            lambda data: services.challenge_update(
                actor=request.user,
                challenge=challenge,
                title=data["title"],
                description=data["description"],
                topic=data["topic"],
                target_groups=list(data["target_groups"]),
                region=data["region"],
                visibility=data["visibility"],
                confirm_personal_data=data["confirm_personal_data"],
            ),
            success=_("Your changes are saved."),
            then=lambda _saved: redirect("challenge-detail", pk=challenge.pk),
        )
        if done:
            return done
    else:
        form = ChallengeForm(
            initial={
                "title": challenge.title,
                "description": challenge.description,
                "topic": challenge.topic_id,
                "target_groups": [tg.pk for tg in challenge.target_groups.all()],
                "region": challenge.region_id,
                "visibility": challenge.visibility,
            }
        )
    return render(
        request, "workflows/challenge_edit.html", {"form": form, "challenge": challenge},
        status=status,
    )


@login_required
@require_POST
def challenge_comment(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = detail_or_404(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(actor=request.user, challenge=challenge, body=form.cleaned_data["body"])
        except DomainError as exc:
            copy_field_errors(form, exc.fields, exc.message)
            return _render_detail(request, challenge, comment_form=form, status=exc.status)
        messages.success(request, _("Your comment is posted."))
        return redirect(reverse("challenge-detail", args=[challenge.pk]) + "#timeline-end")
    return _render_detail(request, challenge, comment_form=form, status=400)


@login_required
@require_POST
def challenge_follow(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = visible_or_404(request.user, pk)
    follow = request.POST.get("action") != "unfollow"
    try:
        if follow:
            services.challenge_follow(actor=request.user, challenge=challenge)
        else:
            services.challenge_unfollow(actor=request.user, challenge=challenge)
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        messages.error(request, exc.message)
        follow = not follow
    if request.htmx:
        return render(
            request, "workflows/_follow.html",
            {"challenge": challenge, "following": follow, "can_follow": True},
        )
    return redirect("challenge-detail", pk=challenge.pk)


@login_required
@require_POST
def challenge_assign(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = visible_or_404(request.user, pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            services.challenge_assign_working_group(
                actor=request.user, challenge=challenge,
                working_group=form.cleaned_data["working_group"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The working group is assigned."))
    else:
        messages.error(request, _("Choose a working group from the list."))
    return redirect("challenge-detail", pk=challenge.pk)
