"""`manage.py seed_scale` (issue 14's benchmark network) against the schema as migrated today: a
column added without a database default breaks its raw INSERTs (it once did: the person's time
zone), and `make bench` would then fail before measuring anything."""

import pytest
from django.core.management import call_command
from django.db import connection

from core.models import Organisation, User
from core.reference_data import ensure_reference_data
from workflows.models import Challenge, TransitionLog

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="seed_scale generates its rows inside PostgreSQL (generate_series); CI runs on it",
    ),
]


def test_seed_scale_fills_every_layer_of_a_small_network(capsys):
    ensure_reference_data()  # an earlier transactional test may have flushed the migrated rows
    call_command("seed_scale", challenges=300, users=400, templates=20)

    scale_people = User.objects.filter(email__endswith="@scale.example")
    assert scale_people.count() == 400
    assert set(scale_people.values_list("time_zone", flat=True)) == {"Europe/Berlin"}
    assert Organisation.objects.count() >= 20
    assert Challenge.objects.count() == 300
    assert set(Challenge.objects.values_list("state", flat=True)) >= {"reported", "closed"}
    # Every challenge has its history from the filing on.
    assert TransitionLog.objects.values("challenge").distinct().count() == 300


def test_seed_scale_refuses_a_database_with_real_people():
    User.objects.create_user(email="real@example.org", password="pw-not-used-1234")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="people of its own"):
        call_command("seed_scale", challenges=10, users=400)
    assert Challenge.objects.count() == 0
