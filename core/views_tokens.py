"""The person's own API tokens: make one (named, with a lifetime; its key is shown once, in
the answer to the form), see their names and beginnings, revoke them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core import tokens
from core.exceptions import DomainError, MissingInput
from core.forms import copy_field_errors


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=tokens.NAME_MAX,
        help_text=gettext_lazy("What uses it, e.g. the nightly export."),
    )
    lifetime_days = forms.TypedChoiceField(
        label=gettext_lazy("Valid for"),
        coerce=int,
        initial=tokens.DEFAULT_LIFETIME_DAYS,
        choices=[
            (30, gettext_lazy("30 days")),
            (90, gettext_lazy("90 days")),
            (365, gettext_lazy("one year")),
        ],
    )


@never_cache  # the answer to the form holds a key
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    new_key = None
    status = 200
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                token, new_key = tokens.token_create(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    lifetime_days=form.cleaned_data["lifetime_days"],
                )
            except MissingInput as exc:
                copy_field_errors(form, exc.fields, exc.message)
                status = 400
            else:
                form = TokenForm()
        else:
            status = 400
    else:
        form = TokenForm()
    return render(
        request,
        "network/api_tokens.html",
        {"form": form, "tokens": tokens.tokens_of(request.user), "new_key": new_key},
        status=status,
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Only one's own tokens here (coordinators revoke others' in the admin); others: 404.
    if not tokens.tokens_of(request.user).filter(pk=pk).exists():
        raise Http404()
    try:
        tokens.token_revoke(actor=request.user, token=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The token is revoked; programs using it are signed out."))
    return redirect("api-tokens")
