"""The form of one lifecycle step on the challenge's page (and from the board's card menu),
built from ``TRANSITIONS`` and submitted through ``services.challenge_transition`` like the
API's input."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.exceptions import DomainError, NotFound

from . import selectors, services
from .models import Challenge
from .step_forms import APPROACH_ROWS, StepForm, link_button_name
from .transitions import TRANSITIONS
from .views import detail_or_404


@login_required
@require_http_methods(["GET", "POST"])
def challenge_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """The form of one lifecycle step, built from ``TRANSITIONS``, submitted through
    ``challenge_transition`` like the API's input."""
    challenge = detail_or_404(request.user, pk)
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
