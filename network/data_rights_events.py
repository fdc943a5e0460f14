"""What ``network`` keeps about people in event registrations, registered with
``core.personal_data``: registrations under the person's address are exported and erased with
their account, and every registration is deleted ``EVENT_ATTENDEE_RETENTION_DAYS`` after its
event by the daily retention job (``core.prune_personal_data``)."""

from __future__ import annotations

from typing import Any

from core.personal_data import ErasedPerson, register

from .models_events import Registration


def export(person: Any) -> dict[str, Any]:
    return {
        "event_registrations": [
            {"event": r.event.title, "name": r.name, "email": r.email,
             "organisation": r.organisation_name, "status": r.status, "registered_at": r.created_at}
            for r in Registration.objects.filter(email__iexact=person.email)
            .select_related("event").order_by("created_at", "pk")
        ]
    }


def erase(person: ErasedPerson) -> None:
    Registration.objects.filter(email__iexact=person.email).delete()


def prune() -> dict[str, int]:
    from .services_events import registrations_delete_expired

    return {"event_registrations": registrations_delete_expired()}


def register_personal_data() -> None:
    register("network_events", export=export, erase=erase, prune=prune)
