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


def demo_history_settled() -> None:
    """The demo's stale cases count as already reminded: the first reminder scan after
    ``seed_demo`` mails no backlog (see ``reminders.reminders_settle_history``)."""
    from .reminders import reminders_settle_history

    reminders_settle_history()
