"""Every model has an admin a coordinator can open, and its actions go through services."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.builders import advance, file_challenge
from workflows.models import GoodPractice, State

pytestmark = pytest.mark.django_db

OWN_APPS = ("core", "workflows", "notifications")


def test_every_model_of_ours_is_registered():
    missing = [
        m._meta.label
        for app in OWN_APPS
        for m in apps.get_app_config(app).get_models()
        if m not in admin.site._registry
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
