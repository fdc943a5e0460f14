"""Every write to challenges and good practices, split by sub-domain: filing and editing
(``challenges``), the lifecycle's steps (``lifecycle``, ``approaches``), discussion
(``discussion``) and good-practice publishing (``good_practices``); ``_base`` holds the pieces they
share. Callers import from ``workflows.services``.

Each service is keyword-only, takes the acting user as ``actor``, runs in one transaction,
writes the audit row and the event in that transaction, and raises the domain errors of
``core.exceptions``. The order of checks is the same everywhere: not visible → ``NotFound``;
not allowed for this person → ``PermissionDenied``; not allowed in this state →
``TransitionNotAllowed``; input missing or invalid → ``MissingInput``. Nothing changes on error.
"""

from ._base import (
    EDITABLE_FIELDS,
    TITLE_MAX,
    ApproachInput,
    transition_label,
)
from .approaches import (
    challenge_evaluate,
    challenge_propose_approach,
    challenge_revise_approach,
    challenge_start_trial,
)
from .challenges import (
    challenge_assign_working_group,
    challenge_file,
    challenge_update,
    challenges_imported_record,
)
from .discussion import (
    challenge_follow,
    challenge_unfollow,
    comment_add,
)
from .good_practices import (
    good_practice_publish,
    good_practice_unpublish,
)
from .lifecycle import (
    challenge_analyse,
    challenge_check_step,
    challenge_close,
    challenge_reopen,
    challenge_transition,
    reopen_target,
)

__all__ = [
    "EDITABLE_FIELDS",
    "TITLE_MAX",
    "ApproachInput",
    "challenge_analyse",
    "challenge_assign_working_group",
    "challenge_check_step",
    "challenge_close",
    "challenge_evaluate",
    "challenge_file",
    "challenge_follow",
    "challenge_propose_approach",
    "challenge_reopen",
    "challenge_revise_approach",
    "challenge_start_trial",
    "challenge_transition",
    "challenge_unfollow",
    "challenge_update",
    "challenges_imported_record",
    "comment_add",
    "good_practice_publish",
    "good_practice_unpublish",
    "reopen_target",
    "transition_label",
]
