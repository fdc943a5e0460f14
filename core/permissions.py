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
    """A person's roles, read once per user object (two queries)."""

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
    from core.models import Membership, Organisation

    roles = Roles(
        authenticated=True,
        coordinator=user.is_coordinator,
        stakeholder=user.is_stakeholder,
        organisation_ids=frozenset(
            Membership.objects.filter(
                user=user, organisation__status=Organisation.Status.ADMITTED
            ).values_list("organisation_id", flat=True)
        ),
        group_ids=frozenset(user.working_groups.values_list("id", flat=True)),
    )
    setattr(user, _CACHE_ATTR, roles)
    return roles


def forget_roles(user: Any) -> None:
    """Drop the cached roles after memberships or group seats changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


# --- the network ------------------------------------------------------------------------------


def can_admit_organisation(user: Any) -> bool:
    return roles_of(user).coordinator
