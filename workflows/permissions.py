"""Who may do what with challenges and good practices: the one place that answers it for pages,
API, admin and mail alike.

Rules build on a person's roles from the network base (``core.permissions.roles_of``). Someone
who may not see a challenge must get "not found", so callers check :func:`can_view_challenge`
(or filter with :func:`visible_challenges_q`) before any other question.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import Q

# Re-exported: callers asking about challenges often need the roles too.
from core.permissions import ANONYMOUS, Roles, forget_roles, roles_of  # noqa: F401

if TYPE_CHECKING:
    from workflows.models import Challenge, GoodPractice

LIFECYCLE_TRANSITIONS = frozenset(
    {"analyse", "propose_approach", "start_trial", "evaluate", "revise_approach"}
)
COORDINATOR_TRANSITIONS = frozenset({"close", "reopen"})


# --- challenges -----------------------------------------------------------------------------


def visible_challenges_q(user: Any, *, through: str = "") -> Q | None:
    """A filter for the challenges ``user`` may see; ``None`` means all of them.

    ``through`` ("challenge__") applies it to rows that point at a challenge (events), as a
    plain join on the challenge's columns: an ``IN (subquery of every visible challenge)``
    beside an OR becomes a subplan repeated per row on PostgreSQL."""
    roles = roles_of(user)
    if roles.coordinator:
        return None
    if not roles.authenticated:
        return Q(**{f"{through}pk__in": []})
    q = Q(**{f"{through}pk__in": []})
    if roles.network_reader:
        q |= Q(**{f"{through}visibility": "network"})
    if roles.organisation_ids:
        q |= Q(**{f"{through}organisation_id__in": roles.organisation_ids})
    if roles.group_ids:
        q |= Q(**{f"{through}working_group_id__in": roles.group_ids})
    return q


def can_view_challenge(user: Any, challenge: Challenge) -> bool:
    return challenge_reader(user)(challenge)


def _reads_all(challenge: Any) -> bool:
    return True


def _reads_none(challenge: Any) -> bool:
    return False


def challenge_reader(user: Any) -> Callable[[Any], bool]:
    """:func:`can_view_challenge` for one person, their roles looked at once: for a caller
    that decides many challenges for the same person (a digest batch decides a thousand
    events per person). Takes anything with the challenge's ``visibility``,
    ``organisation_id`` and ``working_group_id``."""
    roles = roles_of(user)
    if roles.coordinator:
        return _reads_all
    if not roles.authenticated:
        return _reads_none
    network = roles.network_reader
    organisation_ids, group_ids = roles.organisation_ids, roles.group_ids

    def reads(challenge: Any) -> bool:
        return (
            (network and challenge.visibility == "network")
            or challenge.organisation_id in organisation_ids
            or challenge.working_group_id in group_ids
        )

    return reads


def is_assigned_group_member(user: Any, challenge: Challenge) -> bool:
    return challenge.working_group_id is not None and (
        challenge.working_group_id in roles_of(user).group_ids
    )


def can_file_challenge(user: Any, organisation_id: int | None = None) -> bool:
    """Partner and group members file for an admitted organisation of theirs; coordinators for
    any admitted organisation (checked by the service). Stakeholders only read."""
    roles = roles_of(user)
    if roles.coordinator:
        return True
    if organisation_id is None:
        return roles.partner
    return organisation_id in roles.organisation_ids


def filable_organisation_ids(user: Any) -> frozenset[int] | None:
    """The organisations ``user`` may file for; ``None`` means every admitted one."""
    roles = roles_of(user)
    return None if roles.coordinator else roles.organisation_ids


def can_edit_challenge(user: Any, challenge: Challenge) -> bool:
    if not can_view_challenge(user, challenge):
        return False
    roles = roles_of(user)
    if roles.coordinator or is_assigned_group_member(user, challenge):
        return True
    return challenge.state == "reported" and challenge.organisation_id in roles.organisation_ids


def can_comment(user: Any, challenge: Challenge) -> bool:
    if not can_view_challenge(user, challenge):
        return False
    roles = roles_of(user)
    return roles.coordinator or roles.partner or is_assigned_group_member(user, challenge)


def can_follow(user: Any, challenge: Challenge) -> bool:
    return can_view_challenge(user, challenge)


def can_assign_working_group(user: Any, challenge: Challenge) -> bool:
    return roles_of(user).coordinator


def can_run_transition(user: Any, challenge: Challenge, name: str) -> bool:
    """Whether ``user`` holds the right to run transition ``name`` on ``challenge`` (not
    whether the state allows it: that is the state machine's answer)."""
    if not can_view_challenge(user, challenge):
        return False
    roles = roles_of(user)
    if roles.coordinator:
        return name in LIFECYCLE_TRANSITIONS or name in COORDINATOR_TRANSITIONS
    if name in COORDINATOR_TRANSITIONS:
        return False
    if name == "analyse" and challenge.working_group_id is None:
        # An unassigned challenge may be picked up by any working group; the service checks
        # that the actor sits in the group named in the input.
        return roles.group_member
    return name in LIFECYCLE_TRANSITIONS and is_assigned_group_member(user, challenge)


def step_rights_key(user: Any, challenge: Challenge) -> tuple:
    """What :func:`can_run_transition` reads of ``challenge`` for ``user``, as a key: two
    challenges in the same state with the same key allow ``user`` the same steps, so a page of
    many cards (the board) asks the rules once per key instead of once per card. Keep it in
    step with :func:`can_run_transition` (tests/workflows/test_step_rights_key.py compares the
    two for every state, role and kind of challenge)."""
    roles = roles_of(user)
    if roles.coordinator:
        return ("coordinator",)
    return (
        can_view_challenge(user, challenge),
        challenge.working_group_id is None,
        is_assigned_group_member(user, challenge),
    )


def can_see_stale_list(user: Any) -> bool:
    return roles_of(user).coordinator


# --- good practices ---------------------------------------------------------------------------


def visible_good_practices_q(user: Any) -> Q | None:
    roles = roles_of(user)
    if roles.coordinator:
        return None
    q = Q(status="published")
    if roles.group_ids:
        q |= Q(working_group_id__in=roles.group_ids)
    return q


def can_view_good_practice(user: Any, good_practice: GoodPractice) -> bool:
    if good_practice.status == "published":
        return True
    roles = roles_of(user)
    return roles.coordinator or good_practice.working_group_id in roles.group_ids


def can_publish_good_practice(user: Any, good_practice: GoodPractice | None = None) -> bool:
    return roles_of(user).coordinator


def can_edit_good_practice(user: Any, good_practice: GoodPractice) -> bool:
    """Coordinators edit every record; the authoring working group edits its drafts."""
    roles = roles_of(user)
    if roles.coordinator:
        return True
    return good_practice.status == "draft" and good_practice.working_group_id in roles.group_ids


# --- recommendations ----------------------------------------------------------------------------


def can_write_recommendation(user: Any) -> bool:
    """Coordinators write, edit, publish and withdraw recommendations."""
    return roles_of(user).coordinator


def can_view_recommendation(user: Any, recommendation: Any) -> bool:
    return recommendation.status == "published" or roles_of(user).coordinator


# --- imports ------------------------------------------------------------------------------------


def can_import_challenges(user: Any) -> bool:
    return roles_of(user).coordinator
