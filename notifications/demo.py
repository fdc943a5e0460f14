"""What the notifications app adds to the demo network of ``seed_demo``: every demo person has a
mail preference row, and stakeholders read the weekly digest. Registered in
``NotificationsConfig.ready`` through ``workflows.hooks.on_demo_person``."""

from __future__ import annotations

from typing import Any

from .models import Preference
from .services import preference_for


def demo_person_preferences(user: Any) -> None:
    preference = preference_for(user)
    if user.is_stakeholder and preference.digest != Preference.Digest.WEEKLY:
        preference.digest = Preference.Digest.WEEKLY
        preference.save(update_fields=["digest"])
