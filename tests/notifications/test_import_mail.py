"""A sheet import of many challenges tells each coordinator and group once, with the list, not
once per row; and exactly once, however often the fan-out runs."""

from __future__ import annotations

import pytest
from django.core import mail

from core.models import Region, TargetGroup, Topic
from notifications import outbox, services
from notifications.models import OutgoingMail
from tests.factories import UserFactory
from workflows import challenge_import
from workflows.models import Challenge, Event

from .support import prefer

pytestmark = pytest.mark.django_db


def rows(network, n: int, **extra) -> list[dict[str, str]]:
    topic, region = Topic.objects.first(), Region.objects.first()
    group = TargetGroup.objects.first()
    return [
        {"title": f"Importierter Fall {i:02d}", "description": "Aus der Liste des Netzwerks.",
         "organisation": network.org.name, "topic": topic.slug, "region": region.slug,
         "target_groups": group.slug, "visibility": "network", **extra}
        for i in range(n)
    ]


def test_an_import_of_twelve_tells_each_coordinator_once_with_the_list(
    network, django_capture_on_commit_callbacks
):
    second_coordinator = UserFactory(display_name="Karl Koordination", is_coordinator=True)
    english_coordinator = prefer(UserFactory(is_coordinator=True), language="en")
    with django_capture_on_commit_callbacks() as callbacks:
        report = challenge_import.challenges_import(
            actor=network.coordinator, rows=rows(network, 12), commit=True
        )
    assert report.committed and Challenge.objects.count() == 12
    bulk = Event.objects.get(kind=Event.Kind.CHALLENGES_IMPORTED)
    # the subscribers hear of the batch, never of a row
    assert callbacks and {c.__qualname__.rsplit("(", 1)[1] for c in callbacks} == {f"{bulk.pk})"}
    assert Event.objects.filter(batch=bulk, kind=Event.Kind.CHALLENGE_FILED).count() == 12
    mail.outbox.clear()
    with django_capture_on_commit_callbacks():
        services.send_now(services.event_fan_out(event_id=bulk.pk))

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [second_coordinator.email, english_coordinator.email]
    )  # the importer is not told of their own import, the partner learns of it on the site
    (german,) = [m for m in mail.outbox if m.to == [second_coordinator.email]]
    assert german.subject == "[Willkommensnetz] 12 Herausforderungen importiert"
    assert "Clara Coordinator hat 12 Herausforderungen aus einer Tabelle importiert:" in german.body
    for i in range(12):
        assert f"Importierter Fall {i:02d}" in german.body
        assert f"Importierter Fall {i:02d}" in german.alternatives[0][0]
    assert "Sie warten darauf, gesichtet und zugeordnet zu werden." in german.body
    (english,) = [m for m in mail.outbox if m.to == [english_coordinator.email]]
    assert english.subject == "[Willkommensnetz] 12 challenges imported"


def test_the_import_mail_goes_out_once_even_when_the_fan_out_and_the_scan_run_again(
    network, django_capture_on_commit_callbacks
):
    UserFactory(is_coordinator=True)
    with django_capture_on_commit_callbacks():
        challenge_import.challenges_import(actor=network.coordinator, rows=rows(network, 3), commit=True)
        bulk = Event.objects.get(kind=Event.Kind.CHALLENGES_IMPORTED)
        assert len(services.event_fan_out(event_id=bulk.pk)) == 1
    assert OutgoingMail.objects.count() == 1

    # a redelivered message, and every row's own event fanned out by hand: nothing more
    assert services.event_fan_out(event_id=bulk.pk) == []
    for event in Event.objects.filter(batch=bulk):
        assert services.event_fan_out(event_id=event.pk) == []
    Event.objects.update(notified_at=None)  # as if the marks were lost: the rows stay quiet
    for event in Event.objects.filter(batch=bulk):
        assert services.event_fan_out(event_id=event.pk) == []
    assert services.event_fan_out(event_id=bulk.pk) == []  # the unique outbox key holds
    assert OutgoingMail.objects.count() == 1


def test_the_rows_events_are_never_found_by_the_outbox_scan(network, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        challenge_import.challenges_import(actor=network.coordinator, rows=rows(network, 4), commit=True)
    # the broker lost the bulk event's message: the scan finds that one event only
    import datetime
    from django.utils import timezone

    found = outbox.outbox_scan(now=timezone.now() + datetime.timedelta(hours=1))
    assert found["events"] == 1


def test_a_preview_or_a_failed_import_tells_nobody(network, django_capture_on_commit_callbacks):
    UserFactory(is_coordinator=True)
    with django_capture_on_commit_callbacks() as callbacks:
        challenge_import.challenges_import(actor=network.coordinator, rows=rows(network, 3), commit=False)
        challenge_import.challenges_import(
            actor=network.coordinator, rows=rows(network, 2) + rows(network, 1, region="Atlantis"),
            commit=True,
        )
    assert callbacks == [] and Event.objects.count() == 0 and mail.outbox == []
