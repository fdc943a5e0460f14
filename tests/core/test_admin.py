"""Every model has an admin a coordinator can open, and its actions go through services."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.builders import advance, file_challenge
from workflows.models import GoodPractice, State

pytestmark = pytest.mark.django_db

OWN_APPS = ("core", "workflows", "notifications", "network")
# Derived tables, rebuilt from the transition log by `manage.py stats_rollup --rebuild`, and the
# search vocabulary's pending changes, folded into it every minute: nothing in them is for a
# person to read or correct, and the admin index would only list them.
DERIVED = {
    "workflows.ChallengeStay", "workflows.StatsDay", "workflows.StayLength",
    "workflows.OpenStayDay", "workflows.StatsMark", "workflows.BreakdownCount",
    "workflows.SearchTermDelta",
    # The digest of a person's secret calendar-feed address, renewed by its owner (a new one
    # replaces the old): nothing in it for anyone else to read or correct.
    "network.CalendarFeedToken",
}


def test_every_model_of_ours_is_registered():
    # A model edited inside another's page (an inline: an event's programme and co-organisers)
    # is in the admin too.
    inline = {
        inline_class.model
        for model_admin in admin.site._registry.values()
        for inline_class in model_admin.inlines
    }
    missing = [
        m._meta.label
        for app in OWN_APPS
        for m in apps.get_app_config(app).get_models()
        if m not in admin.site._registry and m not in inline and m._meta.label not in DERIVED
    ]
    assert missing == []


def test_a_coordinator_can_open_every_changelist(client, network):
    network.coordinator.is_staff = network.coordinator.is_superuser = True
    network.coordinator.save()
    file_challenge(actor=network.partner, organisation=network.org)
    client.force_login(network.coordinator)
    for model in admin.site._registry:
        if model._meta.app_label in OWN_APPS:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            assert client.get(url).status_code == 200, url


def test_publish_action_goes_through_the_service(client, network):
    network.coordinator.is_staff = network.coordinator.is_superuser = True
    network.coordinator.save()
    advance(file_challenge(actor=network.partner, organisation=network.org), State.EVALUATED,
            actor=network.group_member, group=network.group)
    record = GoodPractice.objects.get()
    client.force_login(network.coordinator)
    response = client.post(
        reverse("admin:workflows_goodpractice_changelist"),
        {"action": "publish", "_selected_action": [record.pk]},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == GoodPractice.Status.PUBLISHED
    assert record.published_by == network.coordinator
    assert record.events.filter(kind="good_practice_published").count() == 1


def test_a_granted_coordinator_without_superuser_rights_sets_the_network_up(client, network):
    from django.core.management import call_command

    from core.models import Organisation

    person = network.partner
    call_command("grant_coordinator", person.email)
    person.refresh_from_db()
    assert person.is_coordinator and person.is_staff and not person.is_superuser
    client.force_login(person)
    assert client.get(reverse("admin:core_organisation_changelist")).status_code == 200
    assert client.get(reverse("admin:notifications_reminderpolicy_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403  # superusers only
    pending = Organisation.objects.create(name="Neu e.V.", kind="other", region=network.org.region)
    response = client.post(
        reverse("admin:core_organisation_changelist"),
        {"action": "admit", "_selected_action": [pending.pk]},
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.ADMITTED


def test_only_coordinators_appoint_coordinators(network):
    from core.exceptions import PermissionDenied
    from core.services import coordinator_grant

    with pytest.raises(PermissionDenied):
        coordinator_grant(actor=network.partner, user=network.other_partner)
    network.other_partner.refresh_from_db()
    assert not network.other_partner.is_coordinator
    coordinator_grant(actor=network.coordinator, user=network.other_partner)
    network.other_partner.refresh_from_db()
    assert network.other_partner.is_coordinator
