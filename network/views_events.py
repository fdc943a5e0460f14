"""The event pages: the public calendar (list and month), an event's page with its programme
and registration, cancelling by the signed link, the attendee list (page and CSV), proposing
an event, and the calendar feeds (public, and personal by secret token).

Thin views: reads through ``network.selectors_events``, writes through
``network.services_events``; an event someone may not see is "not found" (404).
"""

from __future__ import annotations

import calendar
import csv
import datetime
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import DomainError, DuplicateInput
from core.forms import copy_field_errors
from core.models import Organisation
from core.permissions import roles_of

from . import ics, permissions_events, selectors_events, services_events
from .forms_events import CoOrganiserOfferForm, EventFilterForm, EventForm, ProgrammeSessionForm, RegistrationForm
from .models_events import CoOrganiser, Event

LIST_SIZE = 50


def _event_or_404(user: Any, pk: int) -> Event:
    event = selectors_events.event_for(user, pk)
    if event is None:
        raise Http404()
    return event


# --- the calendar ----------------------------------------------------------------------------


def _month_grid(month: datetime.date, events: list[Event]) -> list[list[dict[str, Any]]]:
    by_day: dict[datetime.date, list[Event]] = defaultdict(list)
    for event in events:
        by_day[timezone.localtime(event.starts_at).date()].append(event)
    today = timezone.localdate()
    return [
        [{"date": day, "in_month": day.month == month.month, "today": day == today,
          "events": by_day.get(day, [])} for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    ]


def _shift(month: datetime.date, by: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + by
    return datetime.date(index // 12, index % 12 + 1, 1)


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    """The calendar: upcoming events as a list, or one month as a grid (``?view=month``)."""
    form = EventFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    month = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {k: data[k] for k in ("region", "topic", "target_group") if data.get(k)}
        month = data.get("month")
    view = "month" if request.GET.get("view") == "month" else "list"
    context: dict[str, Any] = {"form": form, "view": view}
    if view == "month":
        month = month or timezone.localdate().replace(day=1)
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(month, datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(_shift(month, 1), datetime.time.min, tzinfo=tz)
        events = list(selectors_events.events_filtered(request.user, start=start, end=end, **filters))
        query = request.GET.copy()
        query.pop("month", None)
        context.update(
            month=month, weeks=_month_grid(month, events), events=events,
            weekdays=[calendar.day_abbr[i] for i in range(7)],
            previous_month=_shift(month, -1).strftime("%Y-%m"),
            next_month=_shift(month, 1).strftime("%Y-%m"), query=query.urlencode(),
        )
    else:
        qs = selectors_events.events_filtered(request.user, upcoming=True, **filters)
        if month:
            tz = timezone.get_current_timezone()
            qs = qs.filter(starts_at__gte=datetime.datetime.combine(month, datetime.time.min, tzinfo=tz))
        context["events"] = list(qs[:LIST_SIZE])
    context["may_propose"] = bool(roles_of(request.user).organisation_ids) or roles_of(request.user).coordinator
    return render(request, "events/event_list.html", context, status=400 if form.errors else 200)


# --- one event -------------------------------------------------------------------------------


def _render_detail(request: HttpRequest, event: Event, *, form: RegistrationForm | None = None,
                   status: int = 200) -> HttpResponse:
    user = request.user
    offer_orgs = permissions_events.organisations_that_may_offer(user, event)
    offered = {c.organisation_id for c in event.co_organisers.all()}
    offer_orgs = [pk for pk in offer_orgs if pk not in offered]
    context = {
        "event": event,
        "sessions": list(event.sessions.all()),
        "co_organisers": [c for c in event.co_organisers.all() if c.status == CoOrganiser.Status.ACCEPTED],
        "offers": [c for c in event.co_organisers.all() if c.status == CoOrganiser.Status.OFFERED]
        if permissions_events.can_edit(user, event) else [],
        "registration_open": permissions_events.registration_open(event),
        "form": form or RegistrationForm(consent_text=event.consent_text, consent_language=event.language),
        "seats_left": None if event.capacity is None else max(event.capacity - event.confirmed_count, 0),
        "may_edit": permissions_events.can_edit(user, event),
        "may_publish": permissions_events.can_publish(user, event) and not event.is_published,
        "may_see_attendees": permissions_events.can_see_attendees(user, event),
        "offer_form": CoOrganiserOfferForm(organisations=Organisation.objects.filter(pk__in=offer_orgs))
        if offer_orgs else None,
        "session_form": ProgrammeSessionForm() if permissions_events.can_edit(user, event) else None,
    }
    return render(request, "events/event_detail.html", context, status=status)


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _event_or_404(request.user, pk))


@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request.user, pk)
    form = RegistrationForm(request.POST, consent_text=event.consent_text, consent_language=event.language)
    if not form.is_valid():
        return _render_detail(request, event, form=form, status=400)
    data = form.cleaned_data
    try:
        registration = services_events.registration_register(
            event=event, actor=request.user, name=data["name"], email=data["email"],
            organisation_name=data["organisation_name"], consent=data["consent"],
            language=translation.get_language() or "de",
        )
    except DomainError as exc:
        copy_field_errors(form, exc.fields, exc.message)
        return _render_detail(request, event, form=form,
                              status=409 if isinstance(exc, DuplicateInput) else exc.status)
    if registration.status == registration.Status.CONFIRMED:
        messages.success(request, _("Thank you: you are registered. We have sent you a confirmation "
                                    "with a calendar file to %(email)s.") % {"email": registration.email})
    else:
        messages.success(request, _("The event is fully booked: you are on the waiting list. We will "
                                    "write to %(email)s when a seat becomes free.") % {"email": registration.email})
    return redirect(event.get_absolute_url())


@require_http_methods(["GET", "POST"])
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """Cancelling by the signed link of the confirmation mail (no sign-in). GET asks, POST
    cancels: mail scanners that follow links cancel nothing."""
    registration = services_events.registration_for_token(token)
    if registration is None:
        raise Http404()
    if request.method == "POST":
        services_events.registration_cancel(registration=registration)
        registration.refresh_from_db()
        messages.success(request, _("Your registration is cancelled."))
    return render(request, "events/registration_cancel.html", {"registration": registration,
                                                              "event": registration.event})


@login_required
@require_GET
def event_attendees(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request.user, pk)
    if not permissions_events.can_see_attendees(request.user, event):
        raise Http404()
    attendees = list(selectors_events.attendees_of(event))
    return render(request, "events/event_attendees.html", {"event": event, "attendees": attendees})


def _csv_safe(value: str) -> str:
    """No formula injection when the list is opened in a spreadsheet."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@login_required
@require_GET
def event_attendees_csv(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request.user, pk)
    if not permissions_events.can_see_attendees(request.user, event):
        raise Http404()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}-attendees.csv"'
    response.write("\ufeff")  # spreadsheets read UTF-8 with a byte-order mark
    writer = csv.writer(response)
    writer.writerow([_("Name"), _("E-mail address"), _("Organisation"), _("Status"), _("Registered at")])
    for r in selectors_events.attendees_of(event):
        writer.writerow([_csv_safe(r.name), _csv_safe(r.email), _csv_safe(r.organisation_name),
                         r.get_status_display(), timezone.localtime(r.created_at).isoformat()])
    return response


# --- proposing and planning ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    organisations = Organisation.objects.filter(
        pk__in=roles.organisation_ids) if not roles.coordinator else Organisation.objects.filter(
        status=Organisation.Status.ADMITTED)
    if not roles.coordinator and not roles.organisation_ids:
        raise Http404()
    form = EventForm(request.POST or None, organisations=organisations, allow_network=roles.coordinator)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services_events.event_propose(
                actor=request.user, organiser=data["organiser"], kind=data["kind"],
                title=data["title"], description=data["description"], starts_at=data["starts_at"],
                ends_at=data["ends_at"], place=data["place"], online_url=data["online_url"],
                region=data["region"], topics=data["topics"], target_groups=data["target_groups"],
                language=data["language"], audience=data["audience"], capacity=data["capacity"],
            )
        except DomainError as exc:
            copy_field_errors(form, exc.fields, exc.message)
        else:
            messages.success(request, _("The event is saved as a draft. The coordinators publish it."))
            return redirect(event.get_absolute_url())
    return render(request, "events/event_form.html", {"form": form},
                  status=400 if form.errors else 200)


def _act(request: HttpRequest, event: Event, action) -> HttpResponse:
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(event.get_absolute_url())


@login_required
@require_POST
def event_publish(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request.user, pk)

    def publish():
        services_events.event_publish(actor=request.user, event=event)
        messages.success(request, _("The event is published."))

    return _act(request, event, publish)


@login_required
@require_POST
def programme_session_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request.user, pk)
    form = ProgrammeSessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please check the programme item: %(errors)s") % {
            "errors": "; ".join(str(e) for errors in form.errors.values() for e in errors)})
        return redirect(event.get_absolute_url())
    return _act(request, event, lambda: services_events.programme_session_add(
        actor=request.user, event=event, **form.cleaned_data))


@login_required
@require_POST
def co_organiser_offer(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request.user, pk)
    allowed = permissions_events.organisations_that_may_offer(request.user, event)
    form = CoOrganiserOfferForm(request.POST, organisations=Organisation.objects.filter(pk__in=allowed))
    if not form.is_valid():
        messages.error(request, _("Your organisation cannot offer to co-organise this event."))
        return redirect(event.get_absolute_url())

    def offer():
        services_events.co_organiser_offer(actor=request.user, event=event,
                                           organisation=form.cleaned_data["organisation"])
        messages.success(request, _("Your offer is sent to the organiser."))

    return _act(request, event, offer)


@login_required
@require_POST
def co_organiser_decide(request: HttpRequest, pk: int, offer_pk: int) -> HttpResponse:
    event = _event_or_404(request.user, pk)
    offer = event.co_organisers.filter(pk=offer_pk).first()
    if offer is None:
        raise Http404()
    accept = request.POST.get("decision") == "accept"
    return _act(request, event, lambda: services_events.co_organiser_decide(
        actor=request.user, co_organiser=offer, accept=accept))


# --- calendar feeds --------------------------------------------------------------------------


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def public_feed(request: HttpRequest) -> HttpResponse:
    return _ics_response(
        ics.calendar_for(selectors_events.public_feed_events(), name=_("Willkommensnetz: events")),
        "events.ics",
    )


@require_GET
def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The subscribable feed of one person: what they may see, network-only events included.
    The secret in the address is the credential (calendar apps send no cookies)."""
    owner = selectors_events.feed_owner(digest=services_events.feed_digest(token))
    if owner is None:
        raise Http404()
    return _ics_response(
        ics.calendar_for(selectors_events.personal_feed_events(owner),
                         name=_("Willkommensnetz: my events")),
        "my-events.ics",
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar_feed_settings(request: HttpRequest) -> HttpResponse:
    """Create, regenerate or revoke the personal feed; the address is shown once."""
    feed_url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services_events.feed_token_revoke(actor=request.user)
            messages.success(request, _("Your calendar address no longer works."))
            return redirect("events:feed-settings")
        secret = services_events.feed_token_create(actor=request.user)
        feed_url = request.build_absolute_uri(reverse("events:personal-feed", args=[secret]))
    has_feed = selectors_events.has_feed(request.user)
    return render(request, "events/calendar_feed.html", {"feed_url": feed_url, "has_feed": has_feed})
