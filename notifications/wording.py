"""What happened, in words a person would write: the sentence, the facts that matter and the
short event name of one event, for immediate mails and digests alike.

Everything here formats in the active language; callers render inside the recipient's
language (``mail.render``). The records a step wrote (analysis, approach, trial, evaluation)
carry the transition's timestamp, which is how an event finds its own record again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import formats
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import mail


@dataclass
class Happening:
    """One event told: ``short`` names the event in a subject (``Erprobung gestartet``),
    ``sentence`` says what happened, ``facts`` are (label, value) pairs of the input that
    matters, ``detail`` a longer text (comment, reason, evidence) quoted below."""

    event: Any
    short: str
    sentence: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    detail: str = ""
    url: str = ""
    challenge: Any = None
    action_label: str = ""
    # Field edits and (re)assignments, one readable sentence per changed field.
    changes: list[str] = field(default_factory=list)

    # The digest templates read these names.
    @property
    def headline(self) -> str:
        return self.sentence


def _date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _actor(event) -> str:
    return str(event.actor) if event.actor else _("Someone")


def describe(event) -> Happening:
    """The telling of ``event`` in the active language."""
    from workflows.models import Event

    kinds = Event.Kind
    actor = _actor(event)
    challenge = event.challenge
    if event.kind == kinds.CHALLENGE_FILED:
        happening = _filed(event, actor)
    elif event.kind == kinds.TRANSITION and event.transition_log is not None:
        happening = _transition(event, actor)
    elif event.kind == kinds.COMMENT and event.comment is not None:
        happening = Happening(
            event=event,
            short=_("comment by %(actor)s") % {"actor": actor},
            sentence=_("%(actor)s commented:") % {"actor": actor},
            detail=event.comment.body,
        )
    elif event.kind == kinds.CHALLENGE_ASSIGNED:
        group = challenge.working_group if challenge else None
        if group:
            happening = Happening(
                event=event,
                short=_("assigned to %(group)s") % {"group": group},
                sentence=_("%(actor)s assigned the challenge to the working group %(group)s.")
                % {"actor": actor, "group": group},
            )
        else:
            happening = Happening(
                event=event,
                short=_("working group removed"),
                sentence=_("%(actor)s removed the working group; the challenge waits for a new one.")
                % {"actor": actor},
            )
        happening.changes = change_sentences(event)
    elif event.kind == kinds.CHALLENGE_EDITED:
        happening = Happening(
            event=event,
            short=_("description changed"),
            sentence=_("%(actor)s changed the title or description.") % {"actor": actor},
            changes=change_sentences(event),
        )
        if happening.changes:
            happening.short = _("challenge edited")
            happening.sentence = _("%(actor)s edited the challenge:") % {"actor": actor}
    elif event.kind == kinds.GOOD_PRACTICE_PUBLISHED and event.good_practice is not None:
        gp = event.good_practice
        happening = Happening(
            event=event,
            short=_("good practice published"),
            sentence=_("The good practice “%(title)s” was published.") % {"title": gp.title},
            url=mail.absolute(f"/good-practices/{gp.slug}/"),
        )
    else:
        happening = Happening(event=event, short=str(event.get_kind_display()),
                              sentence=str(event.get_kind_display()))
    if challenge is not None:
        happening.challenge = challenge
        happening.url = happening.url or mail.challenge_url(challenge.pk)
    happening.action_label = happening.action_label or _("Open the challenge")
    return happening


# How long a changed value may be in a sentence before it is abbreviated (titles fit whole).
CHANGE_VALUE_CHARS = 120


def _abbreviated(text: str) -> str:
    return Truncator(" ".join(str(text).split())).chars(CHANGE_VALUE_CHARS)


def change_sentences(event) -> list[str]:
    """The fields ``event`` changed (``ChallengeChange`` rows, ``workflows.history``), one
    sentence each: ``Title changed: “before” → “after”``, long texts abbreviated. Reads
    ``event.changes`` (prefetched by the digest; one query otherwise)."""
    from workflows.history import describe_change

    sentences = []
    for change in event.changes.all():
        told = describe_change(change)
        sentences.append(
            _("%(field)s changed: “%(before)s” → “%(after)s”")
            % {
                "field": told["label"],
                "before": _abbreviated(told["before_text"]),
                "after": _abbreviated(told["after_text"]),
            }
        )
    return sentences


def _filed(event, actor: str) -> Happening:
    challenge = event.challenge
    facts = [
        (_("Organisation"), str(challenge.organisation)),
        (_("Topic"), str(challenge.topic)),
        (_("Region"), str(challenge.region)),
    ]
    if challenge.working_group_id:
        facts.append((_("Working group"), str(challenge.working_group)))
    return Happening(
        event=event,
        short=_("new challenge"),
        sentence=_("%(actor)s of %(organisation)s filed a new challenge.")
        % {"actor": actor, "organisation": challenge.organisation},
        facts=facts,
        detail=challenge.description,
        url=mail.absolute(f"/challenges/{challenge.pk}/#h-steps"),
        action_label=_("Triage the challenge"),
    )


def _first(challenge, relation: str, *, select_related=(), **equal):
    """The first of ``challenge``'s related rows (``approaches``, ``trials``, ``evaluations``,
    in their model's order) whose fields are ``equal``: from the rows a reader prefetched (a
    digest batch tells hundreds of steps from a few queries), else from one query."""
    cached = getattr(challenge, "_prefetched_objects_cache", {}).get(relation)
    if cached is not None:
        return next((row for row in cached
                     if all(getattr(row, name) == value for name, value in equal.items())), None)
    return getattr(challenge, relation).filter(**equal).select_related(*select_related).first()


def _transition(event, actor: str) -> Happening:
    """One sentence per step, with the input that step requires."""
    from workflows.models import ClosureReason, Outcome

    log = event.transition_log
    challenge = event.challenge
    name = log.transition
    values = {"actor": actor}
    happening = Happening(event=event, short=name, sentence="", detail=log.note)
    if name == "analyse":
        analysis = getattr(challenge, "analysis", None)
        group = challenge.working_group
        happening.short = _("analysed")
        happening.sentence = (
            _("%(actor)s analysed the challenge; the working group %(group)s takes it on.")
            % {**values, "group": group}
            if group
            else _("%(actor)s analysed the challenge.") % values
        )
        if analysis is not None:
            happening.facts = [
                (_("Root causes"), analysis.root_causes),
                (_("Who is affected"), analysis.affected),
            ]
    elif name in ("propose_approach", "revise_approach"):
        approach = _first(challenge, "approaches", selected=True)
        if name == "propose_approach":
            happening.short = _("approach proposed")
            happening.sentence = (
                _("%(actor)s proposed the approach “%(approach)s”.")
                % {**values, "approach": approach.title}
                if approach
                else _("%(actor)s proposed an approach.") % values
            )
        else:
            happening.short = _("approach revised")
            happening.sentence = _(
                "%(actor)s stopped the running trial and went back to the approaches."
            ) % values
            happening.facts = [(_("Reason"), log.note)] if log.note else []
            happening.detail = ""
            if approach:
                happening.facts.append((_("Selected approach"), approach.title))
        if approach and name == "propose_approach":
            happening.detail = approach.description
    elif name == "start_trial":
        trial = _first(challenge, "trials", created_at=log.at, select_related=("approach",))
        happening.short = _("trial started")
        if trial is not None:
            partners = ", ".join(str(p) for p in trial.partners.all())
            happening.sentence = _(
                "%(actor)s started a trial of the approach “%(approach)s” from %(start)s to "
                "%(end)s."
            ) % {**values, "approach": trial.approach.title, "start": _date(trial.start),
                 "end": _date(trial.planned_end)}
            happening.facts = [(_("Participating partners"), partners)]
            happening.detail = trial.plan
        else:
            happening.sentence = _("%(actor)s started a trial.") % values
    elif name == "evaluate":
        evaluation = _first(challenge, "evaluations", created_at=log.at)
        happening.short = _("evaluated")
        if evaluation is not None:
            happening.short = _("evaluated: %(outcome)s") % {
                "outcome": evaluation.get_outcome_display()
            }
            happening.sentence = _(
                "%(actor)s evaluated the trial: %(outcome)s."
            ) % {**values, "outcome": evaluation.get_outcome_display()}
            happening.facts = [
                (_("Evidence"), evaluation.evidence),
                (_("Lessons learned"), evaluation.lessons_learned),
            ]
            if evaluation.outcome in (Outcome.SUCCESSFUL, Outcome.PARTLY):
                happening.facts.append(
                    (_("Next"), _("The approach goes into the good-practice record for review."))
                )
        else:
            happening.sentence = _("%(actor)s evaluated the trial.") % values
    elif name == "close":
        happening.short = _("closed")
        reason = challenge.closure_reason if challenge.state == "closed" else ""
        if reason == ClosureReason.REFERRED:
            body = challenge.referral_body  # a record the coordinators keep, or free text
            body_name = body.name if body is not None else challenge.referred_to
            happening.short = pgettext("handed over to a referral body", "referred to %(body)s") % {
                "body": body_name
            }
            happening.sentence = _(
                "%(actor)s closed the challenge and referred it to %(body)s."
            ) % {**values, "body": body_name}
            happening.facts = [(_("Referred to"), body_name)]
            contact = body.contact_email if body is not None else ""
            if contact:
                happening.facts.append((_("Contact"), contact))
            if body is not None and body.website:
                happening.facts.append((_("Website"), body.website))
        elif reason == ClosureReason.DUPLICATE and challenge.duplicate_of_id:
            happening.sentence = _(
                "%(actor)s closed the challenge as a duplicate of “%(other)s”."
            ) % {**values, "other": challenge.duplicate_of.title}
            happening.facts = [
                (_("Continued in"), mail.challenge_url(challenge.duplicate_of_id))
            ]
        elif reason == ClosureReason.OUT_OF_SCOPE:
            happening.sentence = _(
                "%(actor)s closed the challenge: it is outside the network's scope."
            ) % values
        else:
            happening.sentence = _("%(actor)s closed the challenge.") % values
        if log.note:
            happening.facts.append((_("Reason"), log.note))
            happening.detail = ""
    elif name == "reopen":
        happening.short = _("reopened")
        happening.sentence = _("%(actor)s reopened the challenge.") % values
        happening.facts = [(_("Reason"), log.note)] if log.note else []
        happening.detail = ""
    else:
        from workflows.transitions import TRANSITIONS

        spec = TRANSITIONS.get(name)
        label = str(spec.label) if spec else name
        happening.short = label
        happening.sentence = _("%(actor)s: %(step)s.") % {**values, "step": label}
    return happening


# --- why this person gets it -----------------------------------------------------------------

REASON_COORDINATOR = "coordinator"
REASON_GROUP = "group"
REASON_ASSIGNED = "assigned"
REASON_ORGANISATION = "organisation"
REASON_FOLLOWER = "follower"


def reason_text(reason: str) -> str:
    """Why the recipient gets this mail, by their role."""
    return {
        REASON_COORDINATOR: _("You receive this mail as coordinator of the network."),
        REASON_ASSIGNED: _("You receive this mail because your working group was assigned this challenge."),
        REASON_GROUP: _("You receive this mail because your working group is responsible for this challenge."),
        REASON_ORGANISATION: _("You receive this mail because your organisation reported this challenge."),
        REASON_FOLLOWER: _("You receive this mail because you follow this challenge."),
    }.get(reason, "")


def reason_intro(reason: str, happening: Happening) -> str:
    """The first line of an immediate mail: which case, seen from the recipient's role."""
    from workflows.models import Event

    if happening.event.kind == Event.Kind.CHALLENGE_FILED:
        if reason == REASON_COORDINATOR:
            return _("As coordinator: a new challenge waits for triage.")
        return _("A new challenge was filed for your working group.")
    if reason == REASON_ASSIGNED:
        return _("Your working group was assigned a challenge.")
    return {
        REASON_COORDINATOR: _("News on a challenge, for you as coordinator:"),
        REASON_GROUP: _("News on a challenge your working group is responsible for:"),
        REASON_ORGANISATION: _("News on a challenge your organisation reported:"),
        REASON_FOLLOWER: _("News on a challenge you follow:"),
    }.get(reason, _("News on a challenge:"))


TITLE_IN_SUBJECT = 90


def subject(title: str, what: str) -> str:
    """``[Willkommensnetz] <case>: <event>``: the case first, so a mailbox sorts by it."""
    title = " ".join(str(title).split())
    if len(title) > TITLE_IN_SUBJECT:
        title = title[: TITLE_IN_SUBJECT - 1].rstrip() + "…"
    return _("[Willkommensnetz] %(title)s: %(what)s") % {"title": title, "what": what}
