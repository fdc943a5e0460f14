"""The admin of events, registrations, material and news: coordinators only, and every change
through the services (publishing sets the time and the publisher, news get their author)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from network.models_events import Event
from network.models_public import Material, News, PublicVisibility
from network import services_public
from tests.network import files

from .events_support import make_event, register

pytestmark = pytest.mark.django_db
MODELS = ["event", "registration", "material", "news"]


def _staff(client, user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    return client


def test_coordinators_open_every_list_and_page_others_do_not(client, network):
    event = make_event(network)
    register(event)
    coordinator = _staff(client, network.coordinator)
    for model in MODELS:
        assert coordinator.get(reverse(f"admin:network_{model}_changelist")).status_code == 200, model
    assert coordinator.get(reverse("admin:network_event_change", args=[event.pk])).status_code == 200

    partner = _staff(client, network.partner)
    for model in MODELS:
        assert partner.get(reverse(f"admin:network_{model}_changelist")).status_code == 403, model


def test_publishing_an_event_and_material_goes_through_the_services(client, network):
    draft = make_event(network, publish=False)
    material = services_public.material_upload(
        actor=network.partner, title="Leitfaden", kind=Material.Kind.GUIDE,
        licence=Material.Licence.CC_BY, description="Kurz.", file=files.upload("x.pdf", files.PDF),
    )
    admin_client = _staff(client, network.coordinator)

    admin_client.post(reverse("admin:network_event_changelist"),
                      {"action": "publish", "_selected_action": [draft.pk]})
    admin_client.post(reverse("admin:network_material_changelist"),
                      {"action": "publish", "_selected_action": [material.pk]})

    draft.refresh_from_db()
    material.refresh_from_db()
    assert draft.status == Event.Status.PUBLISHED and draft.published_at
    assert material.status == Material.Status.PUBLISHED and material.published_by == network.coordinator


def test_news_are_written_and_corrected_through_the_services(client, network):
    admin_client = _staff(client, network.coordinator)

    response = admin_client.post(reverse("admin:network_news_add"), {
        "title": "Jahrestagung", "text": "Anmeldung offen.", "visibility": PublicVisibility.PUBLIC,
        "published_at_0": "2026-12-01", "published_at_1": "10:00:00",
    })

    assert response.status_code == 302, response.content.decode()[:2000]
    news = News.objects.get()
    assert news.author == network.coordinator and news.title == "Jahrestagung"
    admin_client.post(reverse("admin:network_news_change", args=[news.pk]), {
        "title": "Jahrestagung 2027", "text": "Anmeldung offen.", "visibility": PublicVisibility.NETWORK,
        "published_at_0": "2026-12-01", "published_at_1": "10:00:00",
    })
    news.refresh_from_db()
    assert news.title == "Jahrestagung 2027" and news.visibility == PublicVisibility.NETWORK
