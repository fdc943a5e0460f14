"""Writes of the notifications app."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .models import Preference


def preference_for(user: Any) -> Preference:
    """The user's mail preference, created with the defaults on first use."""
    preference, _created = Preference.objects.get_or_create(user=user)
    return preference


def preference_update(
    *, actor: Any, immediate: bool | None = None, digest: str | None = None
) -> Preference:
    """Change the actor's own mail preferences. Raises ``ValueError`` on an unknown digest."""
    with transaction.atomic():
        preference = preference_for(actor)
        fields = []
        if immediate is not None:
            preference.immediate = immediate
            fields.append("immediate")
        if digest is not None:
            if digest not in Preference.Digest.values:
                raise ValueError(f"Unknown digest frequency: {digest}")
            preference.digest = digest
            fields.append("digest")
        if fields:
            preference.save(update_fields=fields)
        return preference
