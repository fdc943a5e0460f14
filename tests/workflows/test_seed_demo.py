from django.core.management import call_command
import pytest

from core.models import Organisation, User, WorkingGroup
from workflows.models import Challenge, Comment, GoodPractice, State, TransitionLog

pytestmark = pytest.mark.django_db


def counts():
    return {
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "groups": WorkingGroup.objects.count(),
        "challenges": Challenge.objects.count(),
        "log": TransitionLog.objects.count(),
        "comments": Comment.objects.count(),
        "good_practices": GoodPractice.objects.count(),
    }


def test_seed_demo_builds_a_living_network_and_is_idempotent(capsys):
    call_command("seed_demo")
    first = counts()
    output = capsys.readouterr().out
    assert "koordination@willkommensnetz.example" in output

    call_command("seed_demo")
    assert counts() == first

    assert 14 <= first["organisations"] <= 20 and first["groups"] == 3
    assert 35 <= first["challenges"] <= 45
    assert set(Challenge.objects.values_list("state", flat=True)) == set(State.values)
    # full histories: every challenge's log starts with its filing and ends in its state
    for challenge in Challenge.objects.prefetch_related("log"):
        steps = list(challenge.log.all())
        assert steps[0].transition == "file" and steps[-1].to_state == challenge.state
    assert GoodPractice.objects.filter(status="published").exists()
    assert GoodPractice.objects.filter(trial_count__gte=2).exists()  # shared approach aggregated
    assert Organisation.objects.filter(status="pending").exists()
    for role in ("koordination", "partner", "ag.anerkennung", "stakeholder"):
        assert User.objects.get(email=f"{role}@willkommensnetz.example").check_password("willkommen2026")


def test_seed_demo_enqueues_no_mail_for_its_history(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("seed_demo")
    from workflows.models import Event

    assert Event.objects.exists()
    assert not Event.objects.filter(notified_at__isnull=True).exists()
    assert callbacks == []
