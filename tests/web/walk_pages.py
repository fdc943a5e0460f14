"""What the walk visits: every named page of the URLconf, as which roles, and the routes it
leaves out (each with the reason). ``tests/web/test_walk_routes.py`` fails when a named GET
route is in neither list, so a new page cannot be forgotten: add one line to ``PAGES`` (or to
``EXCLUDED`` with a reason).

A page is ``(label, route name, path, roles)``; the path is a string, or a function of the walk's
data (``WalkData``) for pages that need an object. Several entries may share a route (a
challenge in two states)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

VISITOR, PARTNER, GROUP, COORDINATOR, ADMIN = "visitor", "partner", "group", "coordinator", "admin"
ROLES = (VISITOR, PARTNER, GROUP, COORDINATOR, ADMIN)
MEMBERS = frozenset({PARTNER, GROUP, COORDINATOR})
EVERYONE = frozenset({VISITOR, PARTNER, GROUP, COORDINATOR})
# The public pages, as everyone who reads them (a working-group member's header and controls
# are their own, so they are walked too).
PUBLIC = EVERYONE
LANGUAGES = ("de", "en")
WIDTHS = (375, 768, 1280)


@dataclass(frozen=True)
class Page:
    label: str
    route: str
    path: str | Callable[[Any], str]
    roles: frozenset[str]

    def url(self, data: Any) -> str:
        return self.path(data) if callable(self.path) else self.path


def _p(label: str, route: str, path, roles) -> Page:
    return Page(label, route, path, frozenset(roles))


def _challenge(attr: str, suffix: str = "") -> Callable[[Any], str]:
    return lambda d: f"/challenges/{getattr(d, attr).pk}/{suffix}"


def _step(attr: str, name: str) -> Callable[[Any], str]:
    return _challenge(attr, f"step/{name}/")


PAGES: tuple[Page, ...] = (
    # --- public face (start: every role) ---
    _p("start", "my-work", "/", EVERYONE),  # visitors: the start page; members: my work
    _p("welcome", "public-start", "/welcome/", PUBLIC),
    _p("good-practices", "good-practice-catalogue", "/good-practices/", PUBLIC),
    _p("good-practice", "good-practice-detail", lambda d: f"/good-practices/{d.published.slug}/", PUBLIC),
    _p("recommendations", "recommendations", "/recommendations/employers/", PUBLIC),
    _p("recommendation", "recommendation-detail", lambda d: f"/recommendation/{d.recommendation.slug}/", PUBLIC),
    _p("open-data", "open-data", "/open-data/", PUBLIC),
    _p("events", "events:list", "/events/", PUBLIC),
    _p("events-month", "events:list", "/events/?view=month", PUBLIC),
    _p("event", "events:detail", lambda d: f"/events/{d.event.pk}/", PUBLIC),
    _p("material", "material-list", "/material/", PUBLIC),
    _p("material-item", "material-detail", lambda d: f"/material/{d.material.pk}/", PUBLIC),
    _p("news", "news-list", "/news/", PUBLIC),
    _p("news-item", "news-detail", lambda d: f"/news/{d.news.pk}/", PUBLIC),
    _p("privacy", "privacy", "/privacy/", PUBLIC),
    _p("imprint", "imprint", "/imprint/", PUBLIC),
    # --- visitors: signing in, joining ---
    _p("sign-in", "login", "/sign-in/", {VISITOR}),
    _p("password-reset", "password_reset", "/password-reset/", {VISITOR}),
    _p("password-reset-sent", "password_reset_done", "/password-reset/sent/", {VISITOR}),
    _p("password-reset-new", "password_reset_confirm", lambda d: d.reset_path, {VISITOR}),
    _p("password-reset-done", "password_reset_complete", "/password-reset/done/", {VISITOR}),
    _p("apply", "apply", "/apply/", {VISITOR}),
    _p("apply-thanks", "apply-done", "/apply/thanks/", {VISITOR}),
    _p("join", "join", "/join/", {VISITOR}),
    _p("join-thanks", "join-done", "/join/thanks/", {VISITOR}),
    _p("event-cancel", "events:cancel", lambda d: f"/events/cancel/{d.cancel_token}/", {VISITOR}),
    _p("unsubscribe", "notifications:unsubscribe", lambda d: f"/notifications/unsubscribe/{d.unsubscribe_token}/", {VISITOR}),
    # --- every member ---
    _p("challenges", "challenge-list", "/challenges/", MEMBERS),
    _p("board", "challenge-board", "/challenges/board/", MEMBERS),
    _p("file", "challenge-new", "/challenges/new/", MEMBERS),
    _p("challenge-reported", "challenge-detail", _challenge("reported"), MEMBERS),
    _p("challenge-evaluated", "challenge-detail", _challenge("evaluated"), MEMBERS),
    _p("statistics", "statistics", "/statistics/", MEMBERS),
    _p("account", "account", "/account/", MEMBERS),
    _p("password-change", "password-change", "/account/password/", MEMBERS),
    _p("email-change", "email-change", "/account/email/", MEMBERS),
    _p("email-change-confirm", "email-change-confirm", lambda d: f"/account/email/confirm/{d.email_change_token}/", {PARTNER}),
    _p("password-changed", "password-change-done", "/account/password/changed/", MEMBERS),
    _p("two-factor", "two-factor", "/account/two-factor/", MEMBERS),
    _p("two-factor-set-up", "two-factor-setup", "/account/two-factor/set-up/", MEMBERS),
    _p("api-tokens", "api-tokens", "/account/api-tokens/", MEMBERS),
    _p("preferences", "preferences", "/preferences/", MEMBERS),
    _p("my-data", "my-data", "/my-data/", MEMBERS),
    _p("calendar-feed", "events:feed-settings", "/events/calendar-feed/", MEMBERS),
    # --- partner member: what the reporting organisation may do ---
    _p("challenge-edit", "challenge-edit", _challenge("reported", "edit/"), {PARTNER, COORDINATOR}),
    _p("event-new", "events:new", "/events/new/", {PARTNER, COORDINATOR}),
    _p("material-new", "material-new", "/material/new/", {PARTNER, COORDINATOR}),
    # --- working group: the lifecycle steps ---
    _p("step-analyse", "challenge-step", _step("reported", "analyse"), {GROUP, COORDINATOR}),
    _p("step-propose", "challenge-step", _step("analysed", "propose_approach"), {GROUP}),
    _p("step-trial", "challenge-step", _step("proposed", "start_trial"), {GROUP}),
    _p("step-evaluate", "challenge-step", _step("trialled", "evaluate"), {GROUP}),
    _p("step-revise", "challenge-step", _step("trialled", "revise_approach"), {GROUP}),
    _p("good-practice-draft", "good-practice-detail", lambda d: f"/good-practices/{d.draft.slug}/", {GROUP, COORDINATOR}),
    _p("good-practice-edit", "good-practice-edit", lambda d: f"/good-practices/{d.draft.slug}/edit/", {GROUP, COORDINATOR}),
    _p("good-practice-preview", "good-practice-preview", lambda d: f"/good-practices/{d.draft.slug}/preview/", {GROUP, COORDINATOR}),
    # --- coordinator ---
    _p("step-close", "challenge-step", _step("reported", "close"), {COORDINATOR}),
    _p("step-reopen", "challenge-step", _step("evaluated", "reopen"), {COORDINATOR}),
    _p("good-practice-publish", "good-practice-publish", lambda d: f"/good-practices/{d.draft.slug}/publish/", {COORDINATOR}),
    _p("good-practice-unpublish", "good-practice-unpublish", lambda d: f"/good-practices/{d.published.slug}/unpublish/", {COORDINATOR}),
    _p("recommendation-new", "recommendation-new", "/recommendations/new/", {COORDINATOR}),
    _p("recommendation-edit", "recommendation-edit", lambda d: f"/recommendation/{d.recommendation.slug}/edit/", {COORDINATOR}),
    _p("recommendation-draft", "recommendation-detail", lambda d: f"/recommendation/{d.draft_recommendation.slug}/", {COORDINATOR}),
    _p("recommendation-publish", "recommendation-publish", lambda d: f"/recommendation/{d.draft_recommendation.slug}/publish/", {COORDINATOR}),
    _p("recommendation-unpublish", "recommendation-unpublish", lambda d: f"/recommendation/{d.recommendation.slug}/unpublish/", {COORDINATOR}),
    _p("applications", "applications", "/applications/", {COORDINATOR}),
    _p("join-requests", "join-requests", "/join-requests/", {COORDINATOR}),
    _p("data-protection", "data-protection", "/data-protection/", {COORDINATOR}),
    _p("import", "import-sheet", "/import/", {COORDINATOR}),
    _p("attendees", "events:attendees", lambda d: f"/events/{d.event.pk}/attendees/", {COORDINATOR}),
    _p("news-new", "news-new", "/news/new/", {COORDINATOR}),
    # --- the admin pages coordinators use (coordinator_grant makes them staff) ---
    _p("admin", "admin:index", "/admin/", {ADMIN}),
    _p("admin-people", "admin:core_user_changelist", "/admin/core/user/", {ADMIN}),
    _p("admin-person", "admin:core_user_change", lambda d: f"/admin/core/user/{d.people.partner.pk}/change/", {ADMIN}),
    _p("admin-organisations", "admin:core_organisation_changelist", "/admin/core/organisation/", {ADMIN}),
    _p("admin-organisation", "admin:core_organisation_change", lambda d: f"/admin/core/organisation/{d.people.org.pk}/change/", {ADMIN}),
    _p("admin-groups", "admin:core_workinggroup_changelist", "/admin/core/workinggroup/", {ADMIN}),
    _p("admin-challenges", "admin:workflows_challenge_changelist", "/admin/workflows/challenge/", {ADMIN}),
    _p("admin-referral-bodies", "admin:workflows_referralbody_changelist", "/admin/workflows/referralbody/", {ADMIN}),
    _p("admin-reminder-policies", "admin:notifications_reminderpolicy_changelist", "/admin/notifications/reminderpolicy/", {ADMIN}),
    _p("admin-reminder-policy-new", "admin:notifications_reminderpolicy_add", "/admin/notifications/reminderpolicy/add/", {ADMIN}),
)

# Named routes the walk does not open, and why. Admin routes other than those above are left
# out as a family (Django's own pages; the ones coordinators use are walked).
POST_ONLY = "POST only: a button on a walked page, answers with a redirect"
DOWNLOAD = "a download (no page): its content is tested in its own module"
FRAGMENT = "an htmx fragment inside a walked page"
EXCLUDED: dict[str, str] = {
    "logout": POST_ONLY,
    "set_language": POST_ONLY,
    "javascript-catalog": "JavaScript, not a page",
    "organisation-suggestions": FRAGMENT,
    "sign-in-code": "needs a half-finished sign-in with a TOTP device: tests/web/test_browser_two_factor.py",
    "application-admit": POST_ONLY,
    "application-decline": POST_ONLY,
    "join-request-admit": POST_ONLY,
    "join-request-decline": POST_ONLY,
    "api-token-revoke": POST_ONLY,
    "two-factor-off": POST_ONLY,
    "two-factor-recovery-codes": POST_ONLY,
    "my-data-export": DOWNLOAD,
    "my-data-erasure": POST_ONLY,
    "my-data-erasure-withdraw": POST_ONLY,
    "data-protection-export": DOWNLOAD,
    "data-protection-confirm": POST_ONLY,
    "data-protection-decline": POST_ONLY,
    "challenge-suggestions": FRAGMENT,
    "good-practice-similar": FRAGMENT,
    "saved-view-create": POST_ONLY,
    "saved-view-change": POST_ONLY,
    "challenge-close-duplicate": POST_ONLY,
    "challenge-comment": POST_ONLY,
    "challenge-follow": POST_ONLY,
    "challenge-assign": POST_ONLY,
    "challenge-move": "redirects to a step form (walked as challenge-step)",
    "recommendation-pdf": DOWNLOAD,
    "open-data-json": DOWNLOAD,
    "open-data-csv": DOWNLOAD,
    "statistics-csv": DOWNLOAD,
    "events:public-feed": DOWNLOAD,
    "events:personal-feed": DOWNLOAD,
    "events:attendees-csv": DOWNLOAD,
    "events:register": POST_ONLY,
    "events:publish": POST_ONLY,
    "events:session-add": POST_ONLY,
    "events:co-organise": POST_ONLY,
    "events:co-organise-decide": POST_ONLY,
    "material-download": DOWNLOAD,
    "material-publish": POST_ONLY,
    "dev-mail": "`make run` only (DEV_MAIL_VIEWER): tests/web/test_dev_mail.py",
    "dev-mail-detail": "`make run` only (DEV_MAIL_VIEWER): tests/web/test_dev_mail.py",
    "dev-mail-html": "`make run` only (DEV_MAIL_VIEWER): tests/web/test_dev_mail.py",
}
EXCLUDED_PREFIXES = {
    "admin:": "Django's admin: the pages coordinators use are walked (PAGES), the rest are Django's own",
}
NOT_PAGES = ("api/", "admin/", "i18n/")  # URL prefixes that are no pages of ours (admin: above)


def pages_for(role: str) -> list[Page]:
    return [page for page in PAGES if role in page.roles]


@dataclass
class WalkData:
    people: SimpleNamespace
    reported: Any = None
    analysed: Any = None
    proposed: Any = None
    trialled: Any = None
    evaluated: Any = None
    published: Any = None
    draft: Any = None
    recommendation: Any = None
    draft_recommendation: Any = None
    event: Any = None
    material: Any = None
    news: Any = None
    cancel_token: str = ""
    unsubscribe_token: str = ""
    reset_path: str = ""
    email_change_token: str = ""
    users: dict[str, Any] = field(default_factory=dict)


def build_walk_data(people: SimpleNamespace) -> WalkData:
    """A small built network with one object of every kind the pages show, through the
    services (a few seconds; no seed_demo)."""
    from core import email_change
    from core.services import coordinator_grant
    from network import services_events, services_public
    from network.models_events import Event
    from notifications.mail import unsubscribe_token
    from tests.builders import advance, file_challenge
    from tests.network import files
    from workflows import recommendations, services
    from workflows.models import GoodPractice, State

    coordinator_grant(actor=None, user=people.coordinator)  # staff: the admin pages
    data = WalkData(people=people)
    org, group = people.org, people.group
    data.reported = file_challenge(
        actor=people.partner, organisation=org,
        title="Lange Wartezeiten bei der Anerkennung von Pflegeabschlüssen",
    )
    chain = {}
    for state, approach in (
        (State.ANALYSED, "Sprechstunde in der Ausländerbehörde"),
        (State.APPROACH_PROPOSED, "Mentoring durch Betriebe"),
        (State.TRIALLED, "Wohnungsbörse für Fachkräfte"),
        (State.EVALUATED, "Anerkennungslotsen in den Kammern"),
    ):
        challenge = file_challenge(
            actor=people.partner, organisation=org, title=f"Herausforderung: {approach}"
        )
        chain[state] = advance(challenge, state, actor=people.group_member, group=group,
                               approach=approach)
    data.analysed = chain[State.ANALYSED]
    data.proposed = chain[State.APPROACH_PROPOSED]
    data.trialled = chain[State.TRIALLED]
    data.evaluated = chain[State.EVALUATED]
    second = advance(
        file_challenge(actor=people.partner, organisation=org, title="Sprachkurse fehlen im ländlichen Raum"),
        State.EVALUATED, actor=people.group_member, group=group, approach="Berufsbezogene Sprachkurse vor Ort",
    )
    records = {r.title: r for r in GoodPractice.objects.all()}
    data.published = services.good_practice_publish(
        actor=people.coordinator, good_practice=records["Anerkennungslotsen in den Kammern"]
    )
    data.draft = records["Berufsbezogene Sprachkurse vor Ort"]
    assert second.state == State.EVALUATED
    employers = data.published.target_groups.first()
    data.recommendation = recommendations.recommendation_publish(
        actor=people.coordinator,
        recommendation=recommendations.recommendation_create(
            actor=people.coordinator, title="Anerkennung früh begleiten",
            text="Arbeitgeber sollten das Anerkennungsverfahren früh mit den Kammern planen.",
            target_group=employers, good_practices=[data.published],
        ),
    )
    data.draft_recommendation = recommendations.recommendation_create(
        actor=people.coordinator, title="Wohnraum gemeinsam suchen",
        text="Betriebe und Kommunen bündeln ihre Angebote.", target_group=employers,
    )
    starts = (timezone.now() + datetime.timedelta(days=10)).replace(microsecond=0)
    event = services_events.event_propose(
        actor=people.partner, organiser=org, kind=Event.Kind.WORKSHOP,
        title="Workshop Anerkennung in Halle", starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3), place="Stadthaus Halle, Marktplatz 1",
        description="Wie Betriebe das Anerkennungsverfahren begleiten.", capacity=20,
    )
    data.event = services_events.event_publish(actor=people.coordinator, event=event)
    registration = services_events.registration_register(
        event=data.event, name="Anna Beispiel", email="anna@example.org", consent=True
    )
    data.cancel_token = services_events.cancel_token(registration)
    material = services_public.material_upload(
        actor=people.coordinator, title="Leitfaden Willkommenskultur", kind="guide",
        licence="cc-by-4.0", description="Ein Leitfaden für Betriebe.",
        file=files.upload("leitfaden.pdf", files.PDF),
    )
    data.material = services_public.material_publish(actor=people.coordinator, material=material)
    data.news = services_public.news_create(
        actor=people.coordinator, title="Jahrestreffen 2027: Anmeldung offen",
        text="Das Jahrestreffen des Netzwerks findet im März in Magdeburg statt.",
    )
    data.unsubscribe_token = unsubscribe_token(people.partner, "digest")
    change = email_change.email_change_request(
        actor=people.partner, new_email="neue.adresse@example.org", password="pass-word-123"
    )
    data.email_change_token = email_change.confirmation_token(change)
    reset_user = people.other_partner
    data.reset_path = f"/password-reset/{urlsafe_base64_encode(force_bytes(reset_user.pk))}/{default_token_generator.make_token(reset_user)}/"
    data.users = {
        PARTNER: people.partner, GROUP: people.group_member,
        COORDINATOR: people.coordinator, ADMIN: people.coordinator,
    }
    return data
