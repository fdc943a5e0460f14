"""The pages of challenges, good practices and statistics.

Thin views: reads through ``workflows.selectors`` (visibility decided there), writes through
``workflows.services``; domain errors become field errors and messages. A challenge the person
may not see is "not found" (404), never "forbidden". Every page runs a fixed number of queries
whatever the number of rows (pinned in tests/web/test_queries.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import DomainError, NotFound
from core.forms import copy_field_errors
from core.models import TargetGroup
from core.pagination import GLANCE_BOUND, ScalablePaginator, bounded_counts

from . import editorial, history, permissions, recommendations, selectors, services, views_editorial
from .form_submit import form_submit
from . import hooks
from .forms import (
    AssignForm,
    ChallengeFilterForm,
    ChallengeForm,
    CommentForm,
    GoodPracticeFilterForm,
    NewChallengeForm,
)
from .models import Challenge, ClosureReason, Event, Follow, State
from .search import query as search_query
from .search import saved_views
from .search import suggest as search_suggest
from .search.models import Scope
from .step_forms import APPROACH_ROWS, StepForm, link_button_name
from .transitions import TRANSITIONS

PAGE_SIZE = 25
BOARD_COLUMN_SIZE = 30
MY_WORK_SIZE = 15
STATE_LABELS = dict(State.choices)
CLOSURE_LABELS = dict(ClosureReason.choices)


def _detail_or_404(user: Any, pk: Any) -> Challenge:
    try:
        return selectors.challenge_detail_for(user, pk)
    except NotFound:
        raise Http404() from None


def _visible_or_404(user: Any, pk: Any) -> Challenge:
    challenge = selectors.challenges_visible_to(user).prefetch_related(None).filter(pk=pk).first()
    if challenge is None:
        raise Http404()
    return challenge


# --- my work ----------------------------------------------------------------------------------


def my_work(request: HttpRequest) -> HttpResponse:
    """What needs me now. Visitors who are not signed in see the public start page instead
    (``hooks.provide_public_home``), or the public catalogue when none is plugged in."""
    user = request.user
    if not user.is_authenticated:
        public_home = hooks.public_home()
        if public_home is not None:
            return public_home(request)
        return redirect("good-practice-catalogue")
    work = selectors.my_work_for(user, size=MY_WORK_SIZE)
    for event in work.activity:
        event.state_label = (
            STATE_LABELS.get(event.transition_log.to_state, "")
            if event.kind == Event.Kind.TRANSITION and event.transition_log else ""
        )
    return render(
        request,
        "workflows/my_work.html",
        {
            "roles": work.roles,
            "waiting": work.waiting,
            "triage": work.triage,
            "stale": work.stale,
            "followed": work.followed,
            "activity": work.activity,
            "glance": work.glance,
            "can_file": permissions.can_file_challenge(user),
            "drafts": editorial.good_practice_drafts_for(user, limit=MY_WORK_SIZE),
            "recommendation_drafts": recommendations.recommendation_drafts_for(
                user, limit=MY_WORK_SIZE
            ),
            "saved_views": saved_views.saved_views_of(user),
        },
    )


# --- challenges -------------------------------------------------------------------------------


def _filtered(
    request: HttpRequest,
) -> tuple[ChallengeFilterForm, QuerySet[Challenge], search_query.PreparedQuery | None]:
    return saved_views.filtered_challenges(request.user, request.GET)


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
def challenge_board(request: HttpRequest) -> HttpResponse:
    """One column per state; each shows the challenges that waited longest first."""
    form, qs, _prepared = _filtered(request)
    # Bounded per column (one query): a GROUP BY would count every visible challenge.
    counts = bounded_counts({state: qs.filter(state=state) for state, _label in State.choices})
    columns = []
    for state, label in State.choices:
        cards = list(qs.filter(state=state).order_by("state_entered_at", "id")[:BOARD_COLUMN_SIZE])
        for card in cards:  # the card's own menu of next steps (keyboard moves)
            card.steps = [
                (spec, STATE_LABELS[spec.target])
                for spec in selectors.allowed_transitions_for(request.user, card)
            ]
        total = min(counts.get(state, 0), GLANCE_BOUND)
        beyond = counts.get(state, 0) > GLANCE_BOUND
        more = max(total - len(cards), 0)
        columns.append(
            {"state": state, "label": label, "cards": cards,
             "total": f"{total}+" if beyond else total,
             "more": f"{more}+" if beyond else more}
        )
    query = request.GET.copy()
    return render(
        request,
        "workflows/challenge_board.html",
        {"form": form, "columns": columns, "query": query.urlencode()},
    )


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
    return _render_detail(request, _detail_or_404(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def challenge_edit(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _detail_or_404(request.user, pk)
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
    challenge = _detail_or_404(request.user, pk)
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
    challenge = _visible_or_404(request.user, pk)
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
    challenge = _visible_or_404(request.user, pk)
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


@login_required
@require_http_methods(["GET", "POST"])
def challenge_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """The form of one lifecycle step, built from ``TRANSITIONS``, submitted through
    ``challenge_transition`` like the API's input."""
    challenge = _detail_or_404(request.user, pk)
    spec = TRANSITIONS.get(name)
    if spec is None:
        raise Http404()
    allowed = {s.name for s in selectors.allowed_transitions_for(request.user, challenge)}
    # A posted form goes to the service even when the step is no longer allowed: it answers
    # as the API would (403, or 409 for a challenge that moved on since the form was shown).
    if request.method == "GET" and name not in allowed:
        messages.error(
            request,
            _("“%(step)s” is not possible for you on this challenge now.") % {"step": spec.label},
        )
        return redirect("challenge-detail", pk=challenge.pk)
    good_practices = (
        selectors.good_practices_visible_to(request.user).prefetch_related(None).order_by("title")
        if name in ("propose_approach", "revise_approach")
        else None
    )
    form_kwargs = {"spec": spec, "challenge": challenge, "user": request.user,
                   "good_practices": good_practices}
    status = 200
    if request.method == "POST" and good_practices is not None and _looks_up(request.POST):
        # "Look for similar records" or "link to this record": nothing runs yet, the form
        # comes back with the records that look like each approach (and the link set).
        form = StepForm(_with_links(request.POST), **form_kwargs)
        form.offer_similar_records()
    elif request.method == "POST":
        form = StepForm(request.POST, **form_kwargs)
        status = _post_step(request, challenge, name, form)
        if not status:
            messages.success(request, _("Done: %(step)s.") % {"step": spec.label})
            return redirect(_after_step(request, challenge))
        form.offer_similar_records()
    else:
        form = StepForm(**form_kwargs)
    template = "workflows/_step_form.html" if request.htmx else "workflows/challenge_step.html"
    return render(
        request, template,
        {"form": form, "spec": spec, "challenge": challenge, "next": _safe_next(request)},
        status=status,
    )


def _looks_up(data: QueryDict) -> bool:
    return "look_up" in data or any(link_button_name(row) in data for row in range(APPROACH_ROWS))


def _with_links(data: QueryDict) -> QueryDict:
    """The posted form with each "link approach N to this record" choice put into approach N's
    good-practice field."""
    data = data.copy()
    for row in range(APPROACH_ROWS):
        record = data.get(link_button_name(row))
        if record:
            data[f"approach_{row}_good_practice"] = record
    return data


def _post_step(request: HttpRequest, challenge: Challenge, name: str, form: StepForm) -> int:
    """Run a posted step; 0 when done, else the status to answer with (errors on ``form``).
    Right and state come first, as the API answers them: 403/409 before any input error."""
    try:
        services.challenge_check_step(
            actor=request.user, challenge=challenge, name=name,
            expected_state=request.POST.get("expected_state"),
        )
        if not form.is_valid():
            return 400
        services.challenge_transition(
            actor=request.user, challenge=challenge, name=name, data=form.to_data()
        )
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        form.add_service_errors(exc.fields, exc.message)
        return exc.status
    return 0


def _safe_next(request: HttpRequest) -> str:
    """Where to go after a step: only the board is offered besides the challenge itself."""
    value = request.POST.get("next") or request.GET.get("next") or ""
    return value if value == reverse("challenge-board") else ""


def _after_step(request: HttpRequest, challenge: Challenge) -> str:
    return _safe_next(request) or reverse("challenge-detail", args=[challenge.pk])


# --- good practices ---------------------------------------------------------------------------


def good_practice_catalogue(request: HttpRequest) -> HttpResponse:
    """The public catalogue; coordinators (and a group for its own records) also see drafts."""
    form = GoodPracticeFilterForm(request.GET or None)
    qs = selectors.good_practices_visible_to(request.user).prefetch_related(
        "target_groups", "topics", "regions"
    )
    prepared = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("topic"):
            qs = qs.filter(topics=data["topic"])
        if data.get("target_group"):
            qs = qs.filter(target_groups=data["target_group"])
        if data.get("region"):
            qs = qs.filter(regions=data["region"])
        if data.get("q"):
            prepared = search_query.prepare(data["q"], scope=Scope.GOOD_PRACTICE)
    if prepared is not None:
        # Filters on many-to-many fields may repeat a row: rank the distinct records.
        qs = prepared.apply(
            qs.model.objects.filter(pk__in=qs.values("pk")).prefetch_related(
                "target_groups", "topics", "regions"
            )
        ).order_by("-search_rank", "status", "-published_at", "title")
    else:
        qs = qs.order_by("status", "-published_at", "title").distinct()
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    if prepared is not None:
        for record in page.object_list:
            record.snippet = prepared.snippet(record.approach or record.problem)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workflows/good_practice_catalogue.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "target_groups": TargetGroup.objects.all(),
        },
    )


def good_practice_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        record = selectors.good_practice_detail_for(request.user, slug=slug)
    except NotFound:
        raise Http404() from None
    return render(
        request,
        "workflows/good_practice_detail.html",
        {**views_editorial.detail_context(request.user, record),
         "network_name": settings.NETWORK_NAME},  # the printed record names the network
    )


# --- statistics -------------------------------------------------------------------------------
