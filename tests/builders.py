"""Build challenges in any state through the services, as people would."""

from __future__ import annotations

import datetime

from workflows import services
from workflows.models import Challenge, State

from .factories import region, target_group, topic

PATH = [
    State.REPORTED,
    State.ANALYSED,
    State.APPROACH_PROPOSED,
    State.TRIALLED,
    State.EVALUATED,
]


def file_challenge(*, actor, organisation, visibility="network", title="Anerkennung dauert zu lange", **extra):
    return services.challenge_file(
        actor=actor,
        organisation=organisation,
        title=title,
        description=extra.pop("description", "Verfahren dauern im Schnitt neun Monate."),
        topic=extra.pop("topic", topic()),
        target_groups=extra.pop("target_groups", [target_group()]),
        region=extra.pop("region", region()),
        visibility=visibility,
    )


def advance(
    challenge: Challenge, to_state: str, *, actor, group, partners=(), outcome="successful",
    approach: str = "Lotsenprogramm",
) -> Challenge:
    """Move ``challenge`` along the main path to ``to_state`` (or to ``closed``). Approaches
    with the same title join one good-practice record: give each its own ``approach`` title
    for records of their own."""
    if to_state == State.CLOSED:
        return services.challenge_close(actor=actor, challenge=challenge, reason="out_of_scope")
    target = PATH.index(to_state)
    while PATH.index(challenge.state) < target:
        state = challenge.state
        if state == State.REPORTED:
            challenge = services.challenge_analyse(
                actor=actor, challenge=challenge, working_group=group,
                root_causes="Unterlagen fehlen", affected="Pflegekräfte",
            )
        elif state == State.ANALYSED:
            challenge = services.challenge_propose_approach(
                actor=actor, challenge=challenge,
                approaches=[services.ApproachInput(approach, "Lotsen begleiten das Verfahren")],
                selected=0,
            )
        elif state == State.APPROACH_PROPOSED:
            challenge = services.challenge_start_trial(
                actor=actor, challenge=challenge,
                start=datetime.date(2026, 1, 1), planned_end=datetime.date(2026, 6, 30),
                partners=list(partners) or [challenge.organisation],
            )
        elif state == State.TRIALLED:
            challenge = services.challenge_evaluate(
                actor=actor, challenge=challenge, outcome=outcome,
                evidence="Verfahrensdauer halbiert", lessons_learned="Früh beginnen",
            )
    return challenge
