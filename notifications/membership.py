"""Mail about memberships: applications, admissions, declines and requests to join an admitted
organisation. Subscribed to the announcements of ``core.hooks`` in ``AppConfig.ready``.

These are duty mails, not news: the coordinators must decide an application, and an applicant
must learn the decision. They go out whatever the immediate-mail preference says (the
preference governs news about challenges), once per decision (the outbox key names it), and
are queued in the deciding transaction (see ``core.hooks``).
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from core import hooks

from . import mail


def _url(name: str, fallback: str) -> str:
    try:
        return mail.absolute(reverse(name))
    except NoReverseMatch:  # pragma: no cover - the page moved; the path still answers
        return mail.absolute(fallback)


def _coordinators():
    from core.models import User

    return User.objects.filter(is_active=True, is_coordinator=True).order_by("pk")


def _queue(user, key: str, build) -> None:
    from .models import OutgoingMail
    from .services import mail_queue

    rendered = mail.render(user, "notice", build)
    mail_queue(kind=OutgoingMail.Kind.EVENT, recipient=user, key=key, rendered=rendered)


def _org_facts(organisation) -> list[tuple[str, str]]:
    facts = [
        (_("Organisation"), organisation.name),
        (_("Kind"), organisation.get_kind_display()),
        (_("Region"), str(organisation.region)),
    ]
    if organisation.website:
        facts.append((_("Website"), organisation.website))
    return facts


def _first_steps(organisation) -> list[dict[str, str]]:
    return [
        {"text": _("Sign in with your email address and the password you chose."),
         "url": _url("login", "/sign-in/")},
        {"text": _("Choose which mail you want: immediate news on the cases you follow, a daily "
                   "or weekly digest, or none."),
         "url": _url("preferences", "/preferences/")},
        {"text": _("File the first challenge you meet in practice for %(organisation)s: the "
                   "coordinators pass it to a working group.") % {"organisation": organisation.name},
         "url": mail.absolute("/challenges/new/")},
    ]


# --- an organisation applies ----------------------------------------------------------------


def on_application_received(*, organisation, person) -> None:
    """The coordinators learn of every application at once."""
    for coordinator in _coordinators():
        def build(o=organisation, p=person) -> tuple[str, dict[str, Any]]:
            return _("[Willkommensnetz] %(organisation)s: new application") % {"organisation": o.name}, {
                "paragraphs": [
                    _("%(person)s applied for %(organisation)s to join the network. As "
                      "coordinator, please admit or decline the application.")
                    % {"person": p.get_full_name(), "organisation": o.name},
                ],
                "facts": [*_org_facts(o), (_("Contact"), f"{p.get_full_name()} <{p.email}>")],
                "quote": o.description,
                "button_url": _url("applications", "/applications/"),
                "button_label": _("Decide the application"),
                "why": _("You receive this mail as coordinator of the network."),
            }

        _queue(coordinator, f"application:{organisation.pk}", build)


def _applicants(organisation):
    from core.models import User

    return User.objects.filter(memberships__organisation=organisation).order_by("pk")


def on_application_admitted(*, organisation, actor) -> None:
    """The applicant learns of the admission, with the first steps."""
    for person in _applicants(organisation):
        def build(o=organisation) -> tuple[str, dict[str, Any]]:
            return _("[Willkommensnetz] Welcome: %(organisation)s is now a partner of the network") % {
                "organisation": o.name
            }, {
                "paragraphs": [
                    _("The coordinators admitted %(organisation)s to the network. You can now "
                      "sign in. Your first steps:") % {"organisation": o.name},
                ],
                "steps": _first_steps(o),
                "why": _("You receive this mail because you applied to join the network."),
            }

        _queue(person, f"application-admitted:{organisation.pk}", build)


def on_application_declined(*, organisation, actor, reason: str) -> None:
    """The applicant learns of the decline, with the coordinator's reason."""
    for person in _applicants(organisation):
        def build(o=organisation, r=reason) -> tuple[str, dict[str, Any]]:
            return _("[Willkommensnetz] Your application for %(organisation)s") % {
                "organisation": o.name
            }, {
                "paragraphs": [
                    _("The coordinators have declined the application of %(organisation)s to "
                      "join the network. Their reason:") % {"organisation": o.name},
                ],
                "quote": r,
                "why": _("You receive this mail because you applied to join the network. "
                         "Questions? Reply to the coordinators of the IQ Netzwerk Sachsen-Anhalt."),
            }

        _queue(person, f"application-declined:{organisation.pk}", build)


# --- a person asks to join an admitted organisation ---------------------------------------------


def on_join_requested(*, request) -> None:
    """Those who may decide (the organisation's members who may admit, and the coordinators)
    learn of the request at once."""
    from core import joining

    organisation = request.organisation
    for decider in joining.join_request_deciders(request):
        def build(r=request, o=organisation) -> tuple[str, dict[str, Any]]:
            return _("[Willkommensnetz] %(person)s asks to join %(organisation)s") % {
                "person": r.user.get_full_name(), "organisation": o.name
            }, {
                "paragraphs": [
                    _("%(person)s (%(email)s) asks to take part in the network as a member of "
                      "%(organisation)s. Please confirm that the person works there, or decline.")
                    % {"person": r.user.get_full_name(), "email": r.user.email, "organisation": o.name},
                ],
                "quote": r.message,
                "button_url": _url("join-requests", "/join-requests/"),
                "button_label": _("Decide the request"),
                "why": _("You receive this mail because you may admit new members of "
                         "%(organisation)s, or as coordinator.") % {"organisation": o.name},
            }

        _queue(decider, f"join-request:{request.pk}", build)


def on_join_admitted(*, request, actor) -> None:
    def build(r=request) -> tuple[str, dict[str, Any]]:
        o = r.organisation
        return _("[Willkommensnetz] Welcome: you are now a member of %(organisation)s") % {
            "organisation": o.name
        }, {
            "paragraphs": [
                _("%(actor)s confirmed your membership of %(organisation)s. You can now sign "
                  "in. Your first steps:") % {"actor": actor.get_full_name(), "organisation": o.name},
            ],
            "steps": _first_steps(o),
            "why": _("You receive this mail because you asked to join %(organisation)s.")
            % {"organisation": o.name},
        }

    _queue(request.user, f"join-admitted:{request.pk}", build)


def on_join_declined(*, request, actor, reason: str) -> None:
    def build(r=request, why=reason) -> tuple[str, dict[str, Any]]:
        o = r.organisation
        return _("[Willkommensnetz] Your request to join %(organisation)s") % {
            "organisation": o.name
        }, {
            "paragraphs": [
                _("%(actor)s declined your request to join %(organisation)s. The reason:")
                % {"actor": actor.get_full_name(), "organisation": o.name},
            ],
            "quote": why,
            "why": _("You receive this mail because you asked to join %(organisation)s.")
            % {"organisation": o.name},
        }

    _queue(request.user, f"join-declined:{request.pk}", build)


def subscribe() -> None:
    """Called from ``NotificationsConfig.ready``."""
    hooks.subscribe(hooks.APPLICATION_RECEIVED, on_application_received)
    hooks.subscribe(hooks.APPLICATION_ADMITTED, on_application_admitted)
    hooks.subscribe(hooks.APPLICATION_DECLINED, on_application_declined)
    hooks.subscribe(hooks.JOIN_REQUESTED, on_join_requested)
    hooks.subscribe(hooks.JOIN_ADMITTED, on_join_admitted)
    hooks.subscribe(hooks.JOIN_DECLINED, on_join_declined)
