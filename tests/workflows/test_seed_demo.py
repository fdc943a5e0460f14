import datetime

from django.core.management import call_command
from django.utils import timezone
import pytest

from core.models import Organisation, User, WorkingGroup
from network.models_events import CoOrganiser, Event, Registration
from network.models_public import Material, News
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
        "events": Event.objects.count(),
        "registrations": Registration.objects.count(),
        "materials": Material.objects.count(),
        "news": News.objects.count(),
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
    _assert_the_network_life()


def _assert_the_network_life():
    """The annual event with a programme, partner activities (co-organised, fully booked with a
    waiting list, network-only, in English, a proposal), material files and news."""
    annual = Event.objects.get(kind="annual")
    assert annual.status == "published" and annual.organiser is None
    assert annual.sessions.count() >= 4
    assert CoOrganiser.objects.filter(status="accepted").exists()
    assert CoOrganiser.objects.filter(status="offered").exists()  # one to accept in the demo
    full = Event.objects.filter(registrations__status="waiting").distinct().get()
    assert full.registrations.filter(status="confirmed").count() == full.capacity
    assert Event.objects.filter(audience="network", status="published").exists()
    assert Event.objects.filter(language="en", status="published").exists()
    assert Event.objects.filter(status="draft").exists()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert not Event.objects.filter(starts_at__date__lte=tomorrow).exists()  # no reminders at start
    emails = list(Registration.objects.values_list("email", flat=True))
    assert emails and all(email.endswith("@willkommensnetz.example") for email in emails)
    published = Material.objects.filter(status="published", visibility="public")
    assert published.count() >= 3 and Material.objects.filter(status="draft").exists()
    with published.first().file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert News.objects.filter(visibility="public").count() >= 2


def test_seed_demo_enqueues_no_mail_for_its_history(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("seed_demo")
    from workflows.models import Event

    assert Event.objects.exists()
    assert not Event.objects.filter(notified_at__isnull=True).exists()
    assert callbacks == []
