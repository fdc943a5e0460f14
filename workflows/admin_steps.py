"""Lifecycle steps in the admin: the same form (derived from the step's serializer) and the
same service as the pages and the API, so a coordinator working in the admin cannot bypass a
rule or the expected-state check."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from core.exceptions import DomainError, NotFound

from . import selectors, services
from .models import Challenge
from .step_forms import StepForm
from .transitions import TRANSITIONS


def admin_step_view(
    model_admin: admin.ModelAdmin, request: HttpRequest, object_id: str, name: str
) -> HttpResponse:
    """GET: the step's form; POST: run it through ``services.challenge_transition``."""
    spec = TRANSITIONS.get(name)
    try:
        challenge = selectors.challenge_detail_for(request.user, object_id)
    except NotFound:
        raise Http404() from None
    if spec is None:
        raise Http404()
    change_url = reverse("admin:workflows_challenge_change", args=[challenge.pk])
    good_practices = (
        selectors.good_practices_visible_to(request.user).prefetch_related(None).order_by("title")
        if name in ("propose_approach", "revise_approach") else None
    )
    kwargs: dict[str, Any] = {"spec": spec, "challenge": challenge, "user": request.user,
                              "good_practices": good_practices}
    status = 200
    if request.method == "POST":
        form = StepForm(request.POST, **kwargs)
        try:
            services.challenge_check_step(
                actor=request.user, challenge=challenge, name=name,
                expected_state=request.POST.get("expected_state"),
            )
            if form.is_valid():
                services.challenge_transition(
                    actor=request.user, challenge=challenge, name=name, data=form.to_data()
                )
                model_admin.message_user(
                    request, _("Done: %(step)s.") % {"step": spec.label}, messages.SUCCESS
                )
                return redirect(change_url)
            status = 400
        except DomainError as exc:
            form.add_service_errors(exc.fields, exc.message)
            status = exc.status
    else:
        form = StepForm(**kwargs)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Challenge._meta,
        "original": challenge,
        "title": f"{spec.label}: {challenge}",
        "form": form,
        "spec": spec,
        "change_url": change_url,
    }
    return TemplateResponse(
        request, "admin/workflows/challenge/step.html", context, status=status
    )
