"""Pages of written recommendations: per target group, write, edit, preview, publish with
confirmation, withdraw with a reason, print and PDF. Thin: ``workflows.recommendations``
decides."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.exceptions import NotFound
from core.models import TargetGroup

from . import permissions
from . import recommendations as service
from .form_submit import form_submit
from .forms_editorial import PublishForm, RecommendationForm, UnpublishForm
from .models import GoodPractice
from .models_editorial import Recommendation
from .recommendation_pdf import recommendation_pdf


def _or_404(user: Any, slug: str) -> Recommendation:
    try:
        return service.recommendation_detail_for(user, slug)
    except NotFound:
        raise Http404() from None


def _context(request: HttpRequest, recommendation: Recommendation, **extra: Any) -> dict:
    can_write = permissions.can_write_recommendation(request.user)
    context = {
        "recommendation": recommendation,
        "network_name": settings.NETWORK_NAME,
        "address": request.build_absolute_uri(
            reverse("recommendation-detail", args=[recommendation.slug])
        ),
        "day": recommendation.published_at or timezone.now(),
        "can_write": can_write,
        "versions": service.recommendation_versions(recommendation) if can_write else [],
    }
    context.update(extra)
    return context


def target_group_recommendations(request: HttpRequest, slug: str) -> HttpResponse:
    """Recommendations for one target group: the written ones first, then every published
    good-practice record for the group; printable."""
    target_group = get_object_or_404(TargetGroup, slug=slug)
    written = list(
        service.recommendations_visible_to(request.user)
        .filter(target_group=target_group)
        .order_by("status", "-published_at", "title")
    )
    records = list(
        GoodPractice.objects.filter(
            status=GoodPractice.Status.PUBLISHED, target_groups=target_group
        )
        .prefetch_related("topics", "regions", "partners")
        .order_by("-success_count", "title")
    )
    return render(
        request,
        "workflows/recommendations.html",
        {
            "target_group": target_group,
            "written": written,
            "records": records,
            "target_groups": TargetGroup.objects.all(),
            "can_write": permissions.can_write_recommendation(request.user),
            "network_name": settings.NETWORK_NAME,  # the printed page names the network
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_write_recommendation(request.user):
        raise Http404()
    status = 200
    if request.method == "POST":
        form = RecommendationForm(request.POST)
        done, status = form_submit(
            request, form,
            lambda data: service.recommendation_create(
                actor=request.user, title=data["title"], text=data["text"],
                target_group=data["target_group"], good_practices=data["good_practices"],
            ),
            success=_("The recommendation is saved as a draft."),
            then=lambda created: redirect("recommendation-detail", slug=created.slug),
        )
        if done:
            return done
    else:
        target_group = TargetGroup.objects.filter(slug=request.GET.get("target_group", "")).first()
        form = RecommendationForm(initial={"target_group": target_group})
    return render(
        request, "workflows/recommendation_form.html", {"form": form, "recommendation": None},
        status=status,
    )


def recommendation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    recommendation = _or_404(request.user, slug)
    return render(
        request, "workflows/recommendation_detail.html", _context(request, recommendation)
    )


def recommendation_pdf_view(request: HttpRequest, slug: str) -> HttpResponse:
    recommendation = _or_404(request.user, slug)
    context = _context(request, recommendation)
    pdf = recommendation_pdf(
        recommendation, network=context["network_name"],
        address=context["address"], day=timezone.localdate(context["day"]),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{recommendation.slug}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    recommendation = _or_404(request.user, slug)
    if not permissions.can_write_recommendation(request.user):
        raise Http404()
    status = 200
    if request.method == "POST":
        form = RecommendationForm(request.POST)

        def save(data: dict[str, Any]) -> Recommendation:
            base_version = data.pop("base_version")
            return service.recommendation_edit(
                actor=request.user, recommendation=recommendation, data=data,
                base_version=base_version,
            )

        done, status = form_submit(
            request, form, save, success=_("Your changes are saved as a new version."),
            then=lambda _saved: redirect("recommendation-detail", slug=recommendation.slug),
        )
        if done:
            return done
    else:
        form = RecommendationForm(
            initial={
                "title": recommendation.title,
                "text": recommendation.text,
                "target_group": recommendation.target_group,
                "good_practices": list(recommendation.good_practices.all()),
                "base_version": service.recommendation_current_version(recommendation),
            }
        )
    return render(
        request, "workflows/recommendation_form.html",
        {"form": form, "recommendation": recommendation}, status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_publish(request: HttpRequest, slug: str) -> HttpResponse:
    """Publishing shows the preview and asks for a ticked box first."""
    recommendation = _or_404(request.user, slug)
    if not permissions.can_write_recommendation(request.user):
        raise Http404()
    if recommendation.status == Recommendation.Status.PUBLISHED:
        return redirect("recommendation-detail", slug=recommendation.slug)
    form = PublishForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        done, status = form_submit(
            request, form,
            lambda _data: service.recommendation_publish(
                actor=request.user, recommendation=recommendation
            ),
            success=_("The recommendation is published."),
            then=lambda _saved: redirect("recommendation-detail", slug=recommendation.slug),
        )
        if done:
            return done
    return render(
        request, "workflows/recommendation_publish.html",
        _context(request, recommendation, publish_form=form, preview=True, versions=[]),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_unpublish(request: HttpRequest, slug: str) -> HttpResponse:
    recommendation = _or_404(request.user, slug)
    if not permissions.can_write_recommendation(request.user):
        raise Http404()
    form = UnpublishForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        done, status = form_submit(
            request, form,
            lambda data: service.recommendation_unpublish(
                actor=request.user, recommendation=recommendation, reason=data["reason"]
            ),
            success=_("The recommendation is back in draft."),
            then=lambda _saved: redirect("recommendation-detail", slug=recommendation.slug),
        )
        if done:
            return done
    return render(
        request, "workflows/recommendation_unpublish.html",
        {"recommendation": recommendation, "form": form}, status=status,
    )
