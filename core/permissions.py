"""Who may do what in the network base: a person's roles and the rules about organisations.

Rights are the union of a person's roles (DESIGN.md, "Who may do what"). The rules about
challenges and good practices build on :func:`roles_of` and live beside them, in
``workflows.permissions``: this module knows nothing of the layers above it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_CACHE_ATTR = "_wkn_roles"


@dataclass(frozen=True)
class Roles:
    """A person's roles, read once per user object (one query)."""

    authenticated: bool = False
    coordinator: bool = False
    stakeholder: bool = False
    organisation_ids: frozenset[int] = frozenset()  # admitted organisations only
    group_ids: frozenset[int] = frozenset()

    @property
    def partner(self) -> bool:
        return bool(self.organisation_ids)

    @property
    def group_member(self) -> bool:
        return bool(self.group_ids)

    @property
    def network_reader(self) -> bool:
        """May read challenges of visibility ``network``."""
        return self.coordinator or self.stakeholder or self.partner or self.group_member


ANONYMOUS = Roles()


def roles_of(user: Any) -> Roles:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    organisation_ids, group_ids = _seats_of(user)
    roles = Roles(
        authenticated=True,
        coordinator=user.is_coordinator,
        stakeholder=user.is_stakeholder,
        organisation_ids=organisation_ids,
        group_ids=group_ids,
    )
    setattr(user, _CACHE_ATTR, roles)
    return roles


def _seats_of(user: Any) -> tuple[frozenset[int], frozenset[int]]:
    """The admitted organisations ``user`` is a member of and the working groups they sit in,
    in ONE query (a UNION ALL of the two, each row tagged with its kind): every signed-in
    request reads them, so a second round trip would be paid on every page and API call."""
    from django.db.models import IntegerField, Value

    from core.models import Membership, Organisation, WorkingGroup

    organisations = Membership.objects.filter(
        user=user, organisation__status=Organisation.Status.ADMITTED
    ).annotate(kind=Value(0, output_field=IntegerField())).values_list("organisation_id", "kind")
    groups = WorkingGroup.members.through.objects.filter(user=user).annotate(
        kind=Value(1, output_field=IntegerField())
    ).values_list("workinggroup_id", "kind")
    seats: tuple[set[int], set[int]] = (set(), set())
    for pk, kind in organisations.union(groups, all=True):
        seats[kind].add(pk)
    return frozenset(seats[0]), frozenset(seats[1])


def forget_roles(user: Any) -> None:
    """Drop the cached roles after memberships or group seats changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


# --- the network ------------------------------------------------------------------------------


def can_admit_organisation(user: Any) -> bool:
    return roles_of(user).coordinator


def can_decide_join_request(user: Any, request: Any) -> bool:
    """A request to join an organisation is decided by the coordinators, or by the members of
    that organisation who may admit (``Membership.can_admit``); never by the person who asked."""
    if not getattr(user, "is_authenticated", False) or user.pk == request.user_id:
        return False
    if roles_of(user).coordinator:
        return True
    from core.models import Membership

    return Membership.objects.filter(
        user=user, organisation_id=request.organisation_id, can_admit=True
    ).exists()
