"""Pages of awareness material and news.

Thin views: reads through ``network.selectors_public`` (visibility decided in
``network.permissions_public``), writes through ``network.services_public``. Material someone
may not see is "not found" (404), never "forbidden". A file is only ever handed out by
:func:`material_download`, as an attachment, never inline.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import DomainError, NotFound
from core.forms import copy_field_errors
from core.models import Organisation

from . import permissions_public as permissions
from . import selectors_public as selectors
from . import services_public as services
from .forms_public import MaterialFilterForm, MaterialUploadForm, NewsForm
from .models_public import Material

PAGE_SIZE = 20


def _material_or_404(user: Any, pk: Any) -> Material:
    try:
        return selectors.material_detail_for(user, pk)
    except NotFound:
        raise Http404() from None


# --- material ---------------------------------------------------------------------------------


def material_list(request: HttpRequest) -> HttpResponse:
    form = MaterialFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    qs = selectors.materials_filtered(request.user, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "public_site/material_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_upload": permissions.can_upload_material(request.user),
        },
    )


def material_detail(request: HttpRequest, pk: int) -> HttpResponse:
    material = _material_or_404(request.user, pk)
    return render(
        request,
        "public_site/material_detail.html",
        {"material": material, "can_publish": permissions.can_publish_material(request.user)},
    )


def download_name(material: Material) -> str:
    """A safe file name for the download: the title's letters, digits and dashes, ASCII only,
    with the extension the content proved (never the uploader's file name)."""
    stem = slugify(material.title)[:80].strip("-") or "material"
    return f"{stem}.{material.extension}"


def material_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, always as a download (``Content-Disposition: attachment``), with the type the
    content proved and ``nosniff``: a browser never renders it in our origin."""
    material = _material_or_404(request.user, pk)
    try:
        handle = material.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404() from None
    response = FileResponse(
        handle, as_attachment=True, filename=download_name(material),
        content_type=material.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = (
        "public, max-age=300" if material.is_published and material.visibility == "public"
        else "private, no-store"
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def material_new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_upload_material(request.user):
        raise Http404()
    if permissions.can_publish_material(request.user):
        organisations = Organisation.objects.filter(status=Organisation.Status.ADMITTED)
    else:
        organisations = Organisation.objects.filter(
            pk__in=sorted(permissions.upload_organisation_ids(request.user))
        )
    form = MaterialUploadForm(
        request.POST or None, request.FILES or None, organisations=organisations
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                material = services.material_upload(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                copy_field_errors(form, error.fields, error.message)
            else:
                messages.success(
                    request,
                    _("Thank you. The material is published once a coordinator has looked at it.")
                    if not material.is_published else _("The material was uploaded."),
                )
                return redirect(material.get_absolute_url())
        return render(request, "public_site/material_form.html", {"form": form}, status=400)
    return render(request, "public_site/material_form.html", {"form": form})


@login_required
@require_POST
def material_publish(request: HttpRequest, pk: int) -> HttpResponse:
    material = _material_or_404(request.user, pk)
    try:
        if request.POST.get("action") == "withdraw":
            services.material_withdraw(actor=request.user, material=material)
            messages.success(request, _("The material was withdrawn."))
        else:
            services.material_publish(actor=request.user, material=material)
            messages.success(request, _("The material was published."))
    except DomainError as error:
        if error.status == 403:
            raise Http404() from None
        messages.error(request, error.message)
    return redirect(material.get_absolute_url())


# --- news -------------------------------------------------------------------------------------


def news_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.news_visible_to(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "public_site/news_list.html",
        {"page": page, "query": "", "can_write": permissions.can_write_news(request.user)},
    )


def news_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        news = selectors.news_detail_for(request.user, pk)
    except NotFound:
        raise Http404() from None
    return render(request, "public_site/news_detail.html", {"news": news})


@login_required
@require_http_methods(["GET", "POST"])
def news_new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_write_news(request.user):
        raise Http404()
    form = NewsForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                news = services.news_create(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                copy_field_errors(form, error.fields, error.message)
            else:
                messages.success(request, _("The news item was saved."))
                return redirect(news.get_absolute_url())
        return render(request, "public_site/news_form.html", {"form": form}, status=400)
    return render(request, "public_site/news_form.html", {"form": form})
