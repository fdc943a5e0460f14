"""Twenty registrations at the same moment (by page and by API): for the last seat exactly one is confirmed (the
event row is locked while seats are counted), and for one address exactly one row exists
(lock plus unique constraint). Real threads, real PostgreSQL connections."""

import threading

import pytest
from django.db import connection
from django.test import Client

from network.models_events import Registration

from .events_support import make_event, register

THREADS = 20


def _in_parallel(post) -> list[int]:
    start = threading.Barrier(THREADS, timeout=30)
    statuses: list[int] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            client = Client()
            start.wait()
            response = post(client, i)
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def _form(email: str) -> dict[str, str]:
    return {"name": "Parallel", "email": email, "organisation_name": "", "consent": "on"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # content types survive the flush for the serialized tests after these
def test_twenty_parallel_registrations_for_the_last_seat_confirm_exactly_one(network):
    event = make_event(network, capacity=3)
    register(event, email="eins@example.org")
    register(event, email="zwei@example.org")

    statuses = _in_parallel(
        lambda client, i: client.post(f"/events/{event.pk}/register/", _form(f"p{i}@example.org"))
    )

    assert statuses == [302] * THREADS
    confirmed = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
    assert confirmed.count() == 3
    assert Registration.objects.filter(event=event, status=Registration.Status.WAITING).count() == 19


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # content types survive the flush for the serialized tests after these
def test_twenty_parallel_registrations_of_one_address_leave_one_row(network):
    event = make_event(network, capacity=50)

    statuses = _in_parallel(
        lambda client, i: client.post(f"/events/{event.pk}/register/", _form("same@example.org"))
    )

    assert sorted(statuses) == [302] + [409] * (THREADS - 1)
    assert Registration.objects.filter(event=event).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # content types survive the flush for the serialized tests after these
def test_twenty_parallel_api_registrations_for_the_last_seat_confirm_exactly_one(network):
    from rest_framework.test import APIClient

    event = make_event(network, capacity=1)

    statuses = _in_parallel(
        lambda _client, i: APIClient().post(
            f"/api/v1/events/{event.pk}/registrations/",
            {"name": "Parallel", "email": f"p{i}@example.org", "consent": True}, format="json",
        )
    )

    assert statuses == [201] * THREADS
    assert Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count() == 1
    assert Registration.objects.filter(event=event, status=Registration.Status.WAITING).count() == 19
