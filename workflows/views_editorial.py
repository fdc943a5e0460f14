"""Editorial pages of good-practice records: edit, preview, publish with confirmation,
withdraw with a reason. Thin: the services in ``workflows.editorial`` and
``workflows.services`` decide; domain errors become the page's status and messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.exceptions import DomainError, NotFound

from . import editorial, permissions, selectors, services, similarity
from .form_submit import form_submit
from .forms_editorial import GoodPracticeEditForm, PublishForm, UnpublishForm
from .models import GoodPractice
from .step_forms import APPROACH_ROWS


def _record_or_404(user: Any, slug: str) -> GoodPractice:
    try:
        return selectors.good_practice_detail_for(user, slug=slug)
    except NotFound:
        raise Http404() from None


def detail_context(user: Any, record: GoodPractice) -> dict[str, Any]:
    """What the record's page shows: the record, every trial, the sources the person may see,
    and for editors the versions and the actions they may take."""
    sources = [
        a.challenge for a in record.approaches.all()
        if permissions.can_view_challenge(user, a.challenge)
    ]
    can_edit = permissions.can_edit_good_practice(user, record)
    can_publish = permissions.can_publish_good_practice(user, record)
    versions = editorial.good_practice_versions(record) if (can_edit or can_publish) else []
    return {
        "record": record,
        "trials": editorial.good_practice_trials(record),
        "sources": sources,
        "source_count": len({a.challenge_id for a in record.approaches.all()}),
        "can_edit": can_edit,
        "can_publish": can_publish,
        "versions": versions,
        "withdrawal": next((v for v in versions if v.kind == "unpublished"), None)
        if record.status == GoodPractice.Status.DRAFT else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def good_practice_edit(request: HttpRequest, slug: str) -> HttpResponse:
    record = _record_or_404(request.user, slug)
    if not permissions.can_edit_good_practice(request.user, record):
        raise Http404()
    status = 200
    if request.method == "POST":
        form = GoodPracticeEditForm(request.POST)

        def save(data: dict[str, Any]) -> GoodPractice:
            base_version = data.pop("base_version")
            return editorial.good_practice_edit(
                actor=request.user, good_practice=record, data=data, base_version=base_version
            )

        done, status = form_submit(
            request, form, save, success=_("Your changes are saved as a new version."),
            then=lambda _saved: redirect("good-practice-detail", slug=record.slug),
        )
        if done:
            return done
    else:
        initial = {name: getattr(record, name) for name in editorial.TEXT_FIELDS}
        for name in editorial.RELATION_FIELDS:
            initial[name] = list(getattr(record, name).all())
        initial["base_version"] = editorial.good_practice_current_version(record)
        form = GoodPracticeEditForm(initial=initial)
    return render(
        request, "workflows/good_practice_edit.html", {"record": record, "form": form},
        status=status,
    )


@login_required
def good_practice_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The record as the public catalogue will show it, without any editor's controls."""
    record = _record_or_404(request.user, slug)
    if not (
        permissions.can_edit_good_practice(request.user, record)
        or permissions.can_publish_good_practice(request.user, record)
    ):
        raise Http404()
    context = detail_context(request.user, record)
    context.update(preview=True, can_edit=False, can_publish=False, versions=[], withdrawal=None)
    return render(request, "workflows/good_practice_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def good_practice_publish(request: HttpRequest, slug: str) -> HttpResponse:
    """Publishing asks first: the preview of the public page and a box to tick."""
    record = _record_or_404(request.user, slug)
    if not permissions.can_publish_good_practice(request.user, record):
        if request.method == "POST":
            messages.error(request, _("Only coordinators publish good practices."))
            return redirect("good-practice-detail", slug=record.slug)
        raise Http404()
    if record.status == GoodPractice.Status.PUBLISHED:
        return redirect("good-practice-detail", slug=record.slug)
    status = 200
    form = PublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.good_practice_publish(actor=request.user, good_practice=record)
            except NotFound:
                raise Http404() from None
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("The record is published in the public catalogue."))
            return redirect("good-practice-detail", slug=record.slug)
        status = 400
    context = detail_context(request.user, record)
    context.update(preview=True, can_edit=False, can_publish=False, versions=[], withdrawal=None,
                   publish_form=form)
    return render(request, "workflows/good_practice_publish.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def good_practice_unpublish(request: HttpRequest, slug: str) -> HttpResponse:
    record = _record_or_404(request.user, slug)
    if not permissions.can_publish_good_practice(request.user, record):
        raise Http404()
    status = 200
    form = UnpublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        done, status = form_submit(
            request, form,
            lambda data: services.good_practice_unpublish(
                actor=request.user, good_practice=record, reason=data["reason"]
            ),
            success=_("The record is back in draft."),
            then=lambda _saved: redirect("good-practice-detail", slug=record.slug),
        )
        if done:
            return done
    return render(
        request, "workflows/good_practice_unpublish.html", {"record": record, "form": form},
        status=status,
    )


def good_practice_similar(request: HttpRequest) -> HttpResponse:
    """Records that look like the title typed (``?title=``): offered while an approach is
    proposed, so it joins an existing record instead of starting a new one.

    From the propose form (``?row=N&approach_N_title=…``) each record comes with a button that
    links approach N to it; ``approach_N_good_practice`` says which one is linked already."""
    row = _row(request.GET.get("row"))
    field = "title" if row is None else f"approach_{row}_title"
    title = request.GET.get(field, "")[:200]
    linked = request.GET.get(f"approach_{row}_good_practice", "") if row is not None else ""
    matches = similarity.similar_good_practices(
        title, among=selectors.good_practices_visible_to(request.user)
    ) if title.strip() else []
    return render(
        request, "workflows/_similar_good_practices.html",
        {"matches": matches, "title": title, "row": row,
         "linked": int(linked) if linked.isascii() and linked.isdigit() else None},
    )


def _row(value: str | None) -> int | None:
    """The approach row of the propose form a request is about; None for anything else."""
    if value and value.isascii() and value.isdigit() and int(value) < APPROACH_ROWS:
        return int(value)
    return None
