"""Referral bodies are records the coordinators keep in the admin: a coordinator (appointed
through the service, not a superuser) adds one with its contact address and website, it is
offered when closing, a deactivated one is not, and a body a case is referred to cannot be
deleted."""

import pytest
from django.urls import reverse

from core import services as core_services
from tests.builders import file_challenge
from workflows import services
from workflows.models import ReferralBody

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(network):
    return core_services.coordinator_grant(actor=None, user=network.coordinator)


def test_a_coordinator_adds_a_body_that_closing_then_offers(network, sign_in, coordinator):
    client = sign_in(coordinator)
    response = client.post(reverse("admin:workflows_referralbody_add"), {
        "name": "Ausländerbehörde Magdeburg",
        "description": "Aufenthaltsrechtliche Fragen",
        "contact_email": "abh@magdeburg.example",
        "website": "https://www.magdeburg.example/abh",
        "is_active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    body = ReferralBody.objects.get(name="Ausländerbehörde Magdeburg")
    assert (body.contact_email, body.website) == (
        "abh@magdeburg.example", "https://www.magdeburg.example/abh"
    )

    challenge = file_challenge(actor=network.partner, organisation=network.org)
    step = client.get(f"/challenges/{challenge.pk}/step/close/").content.decode()
    assert f'<option value="{body.pk}">Ausländerbehörde Magdeburg</option>' in step

    client.post(reverse("admin:workflows_referralbody_change", args=[body.pk]), {
        "name": body.name, "description": body.description, "contact_email": body.contact_email,
        "website": body.website,  # is_active unticked
    })
    body.refresh_from_db()
    assert body.is_active is False
    step = client.get(f"/challenges/{challenge.pk}/step/close/").content.decode()
    assert f'<option value="{body.pk}">' not in step


def test_a_body_a_case_is_referred_to_cannot_be_deleted(network, sign_in, coordinator):
    body = ReferralBody.objects.create(name="Testbeirat", contact_email="beirat@example.org")
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    services.challenge_close(
        actor=coordinator, challenge=challenge, reason="referred", referral_body=body,
    )
    response = sign_in(coordinator).post(
        reverse("admin:workflows_referralbody_delete", args=[body.pk]), {"post": "yes"}
    )
    assert response.status_code == 200  # the admin explains what protects it
    assert ReferralBody.objects.filter(pk=body.pk).exists()


def test_others_cannot_keep_bodies(network, sign_in):
    response = sign_in(network.partner).get(reverse("admin:workflows_referralbody_add"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not ReferralBody.objects.filter(name="x").exists()
