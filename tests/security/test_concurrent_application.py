"""Issue 10, item 5: two applications with the same address and organisation sent at the same
moment: one is filed, the other gets 409 and a clear form error, never an IntegrityError 500."""

import threading

import pytest
from django.db import connection
from django.test import Client

from core import services
from core.models import Membership, Organisation, User
from tests.factories import region

APPLICATION = {
    "name": "Pflegedienst Doppelklick",
    "kind": "employer",
    "website": "https://doppelklick.example.org",
    "description": "",
    "person_display_name": "Dora Doppel",
    "person_email": "dora@doppelklick.example.org",
    "password": "lange-genug-2026",
    "password_again": "lange-genug-2026",
}


@pytest.mark.django_db(transaction=True)
def test_two_parallel_applications_file_one_and_answer_the_other_409(monkeypatch):
    from core.reference_data import ensure_reference_data

    ensure_reference_data()
    data = {**APPLICATION, "region": region().pk}
    # Both requests pass the "already known?" checks before either writes: the race of the
    # issue, made certain by holding both at the password check (which follows those checks).
    both_checked = threading.Barrier(2, timeout=30)
    real_validate = services.validate_password

    def validate_then_wait(*args, **kwargs):
        real_validate(*args, **kwargs)
        both_checked.wait()

    monkeypatch.setattr(services, "validate_password", validate_then_wait)
    responses = []
    lock = threading.Lock()

    def apply():
        try:
            response = Client().post("/apply/", data)
            with lock:
                responses.append(response)
        finally:
            connection.close()

    threads = [threading.Thread(target=apply) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(r.status_code for r in responses) == [302, 409]
    refused = next(r for r in responses if r.status_code == 409)
    page = refused.content.decode()
    assert "im selben Moment" in page or "same moment" in page
    assert Organisation.objects.filter(name=APPLICATION["name"]).count() == 1
    assert User.objects.filter(email=APPLICATION["person_email"]).count() == 1
    assert Membership.objects.count() == 1
