"""Filing, editing and routing challenges."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import (
    PermissionDenied,
)
from core.models import Organisation, Region, TargetGroup, Topic, WorkingGroup

from .. import history, permissions, stats_breakdowns, stats_rollup
from ..models import (
    Challenge,
    Event,
    Follow,
    State,
    TransitionLog,
    Visibility,
)
from ..personal_data import personal_data_errors
from ..search import index as search_index
from ._base import (
    _lock_visible,
    _raise_if,
    _record_event,
    _validate_challenge_fields,
)

# --- filing and editing -------------------------------------------------------------------------


def challenge_file(
    *,
    actor: Any,
    organisation: Organisation,
    title: str,
    description: str,
    topic: Topic,
    target_groups: Sequence[TargetGroup],
    region: Region,
    visibility: str = Visibility.NETWORK,
    confirm_personal_data: bool = False,
) -> Challenge:
    """File a new challenge in state ``reported`` for an admitted organisation of the actor
    (coordinators: any admitted organisation). Text that looks like it names a person (see
    ``workflows.personal_data``) is refused until ``confirm_personal_data``. Raises
    ``PermissionDenied``, ``MissingInput``."""
    if not permissions.can_file_challenge(
        actor, organisation.pk if organisation else None
    ):
        raise PermissionDenied(_("You may not file challenges for this organisation."))
    errors = _validate_challenge_fields(
        title=title,
        description=description,
        topic=topic,
        target_groups=target_groups,
        region=region,
        visibility=visibility,
        partial=False,
    )
    if organisation is None:
        errors.setdefault("organisation", []).append(_("This field is required."))
    elif not organisation.is_admitted:
        errors.setdefault("organisation", []).append(
            _("This organisation has not been admitted to the network yet.")
        )
    errors.update(
        personal_data_errors(
            {"title": title, "description": description},
            confirmed=confirm_personal_data,
        )
    )
    _raise_if(errors)
    now = timezone.now()
    with transaction.atomic():
        challenge = Challenge.objects.create(
            title=title.strip(),
            description=description.strip(),
            topic=topic,
            region=region,
            visibility=visibility,
            organisation=organisation,
            reporter=actor,
            state_entered_at=now,
            created_at=now,
            updated_at=now,
        )
        challenge.target_groups.set(target_groups)
        Follow.objects.get_or_create(user=actor, challenge=challenge)
        search_index.challenge_refresh(challenge.pk)
        log = TransitionLog.objects.create(
            challenge=challenge,
            transition="file",
            from_state="",
            to_state=State.REPORTED,
            actor=actor,
            at=now,
        )
        stats_rollup.stay_begin(log=log)
        _record_event(
            kind=Event.Kind.CHALLENGE_FILED,
            actor=actor,
            challenge=challenge,
            transition_log=log,
        )
    return challenge


def challenges_imported_record(*, actor: Any, challenges: Sequence[Challenge]) -> Event:
    """Record that ``actor`` filed ``challenges`` at once (a sheet import, filed with their
    events kept quiet): one bulk event that carries their filings, which count as told, so the
    people get one mail for the batch instead of one per challenge. Call inside the import's
    transaction, after the filings."""
    now = timezone.now()
    bulk = _record_event(kind=Event.Kind.CHALLENGES_IMPORTED, actor=actor)
    Event.objects.filter(
        challenge__in=[c.pk for c in challenges],
        kind=Event.Kind.CHALLENGE_FILED,
        batch=None,
    ).update(batch=bulk, notified_at=now)
    return bulk


def challenge_update(
    *,
    actor: Any,
    challenge: Challenge | int,
    title: str | None = None,
    description: str | None = None,
    topic: Topic | None = None,
    target_groups: Sequence[TargetGroup] | None = None,
    region: Region | None = None,
    visibility: str | None = None,
    confirm_personal_data: bool = False,
) -> Challenge:
    """Edit the descriptive fields (``None`` leaves a field as it is); every changed field is
    recorded with before and after. The reporting organisation may edit while ``reported``;
    the assigned group and coordinators always. Changed text that looks like it names a person
    is refused until ``confirm_personal_data``."""
    errors = _validate_challenge_fields(
        title=title,
        description=description,
        topic=topic,
        target_groups=target_groups,
        region=region,
        visibility=visibility,
        partial=True,
    )
    with transaction.atomic():
        locked = _lock_visible(actor, challenge)
        if not permissions.can_edit_challenge(actor, locked):
            raise PermissionDenied(_("You may not edit this challenge."))
        changed_text = {
            field: value
            for field, value in (("title", title), ("description", description))
            if value is not None and value.strip() != getattr(locked, field)
        }
        errors.update(
            personal_data_errors(changed_text, confirmed=confirm_personal_data)
        )
        _raise_if(errors)
        changes: dict[str, tuple[Any, Any]] = {}
        keys_before = {"topic": locked.topic_id, "region": locked.region_id}
        for field, value in (
            ("title", title.strip() if title is not None else None),
            ("description", description.strip() if description is not None else None),
            ("topic", topic),
            ("region", region),
            ("visibility", visibility),
        ):
            if value is not None and getattr(locked, field) != value:
                changes[field] = (
                    history.snapshot_value(getattr(locked, field)),
                    history.snapshot_value(value),
                )
                setattr(locked, field, value)
        if target_groups is not None:
            current = list(locked.target_groups.all())
            if {tg.pk for tg in target_groups} != {tg.pk for tg in current}:
                changes["target_groups"] = (
                    history.snapshot_value(current),
                    history.snapshot_value(list(target_groups)),
                )
                locked.target_groups.set(target_groups)
        moves = {
            field: ({keys_before[field]} - {None}, {getattr(locked, f"{field}_id")} - {None})
            for field in ("topic", "region") if field in changes
        }
        if "target_groups" in changes:
            moves["target_group"] = ({tg.pk for tg in current}, {tg.pk for tg in target_groups})
        if moves:
            # The statistics count a challenge under its current keys, rolled-up days too.
            stats_breakdowns.challenge_recategorised(challenge_id=locked.pk, moves=moves)
        if changes:
            now = timezone.now()
            locked.updated_at = now
            locked.save(
                update_fields=[f for f in changes if f != "target_groups"]
                + ["updated_at"]
            )
            if {"title", "description"} & set(changes):
                search_index.challenge_refresh(locked.pk)
            event = _record_event(
                kind=Event.Kind.CHALLENGE_EDITED, actor=actor, challenge=locked
            )
            history.record_changes(
                actor=actor, challenge=locked, changes=changes, event=event, at=now
            )
    return locked


def challenge_assign_working_group(
    *, actor: Any, challenge: Challenge | int, working_group: WorkingGroup | None
) -> Challenge:
    """(Re)assign the working group responsible for a challenge (``None`` unassigns it),
    recorded with before and after in the history. Coordinators only. Raises ``NotFound``,
    ``PermissionDenied``."""
    with transaction.atomic():
        locked = _lock_visible(actor, challenge)
        if not permissions.can_assign_working_group(actor, locked):
            raise PermissionDenied(_("Only coordinators assign working groups."))
        if locked.working_group_id != (working_group.pk if working_group else None):
            before = history.snapshot_value(locked.working_group)
            now = timezone.now()
            locked.working_group = working_group
            locked.updated_at = now
            locked.save(update_fields=["working_group", "updated_at"])
            event = _record_event(
                kind=Event.Kind.CHALLENGE_ASSIGNED, actor=actor, challenge=locked
            )
            history.record_changes(
                actor=actor,
                challenge=locked,
                changes={
                    "working_group": (before, history.snapshot_value(working_group))
                },
                event=event,
                at=now,
            )
    return locked
