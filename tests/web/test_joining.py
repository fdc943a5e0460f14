"""A pending applicant is told their application is being reviewed (only with the right
password), and a newcomer asks to join an admitted organisation whose contact decides."""

import pytest
from django.core import mail
from django.test import Client

from core.models import JoinRequest, Membership, Organisation, User
from notifications import services as notification_services
from notifications.models import OutgoingMail
from tests.factories import UserFactory, member_of, region

pytestmark = pytest.mark.django_db
PASSWORD = "Sicher-Genug-2026"
APPLICATION = {
    "name": "Pflegedienst Sonnenschein", "kind": "employer", "person_display_name": "Paula Pflege",
    "person_email": "paula@example.org", "password": PASSWORD, "password_again": PASSWORD,
}


def test_a_pending_applicant_is_told_the_application_is_being_reviewed(network):
    Client().post("/apply/", {**APPLICATION, "region": region().pk})

    right = Client().post("/sign-in/", {"username": "paula@example.org", "password": PASSWORD})
    assert right.status_code == 200
    assert "Ihr Antrag wird von der Koordination geprüft." in right.content.decode()
    assert "stimmen nicht" not in right.content.decode()

    # with a wrong password the page says what it says to everyone: no oracle of who applied
    wrong = Client().post("/sign-in/", {"username": "paula@example.org", "password": "falsch-123"})
    unknown = Client().post("/sign-in/", {"username": "niemand@example.org", "password": PASSWORD})
    for response in (wrong, unknown):
        assert "stimmen nicht" in response.content.decode()
        assert "geprüft" not in response.content.decode()


def test_a_declined_applicant_is_not_told_it_is_being_reviewed(network, sign_in):
    Client().post("/apply/", {**APPLICATION, "region": region().pk})
    organisation = Organisation.objects.get(name=APPLICATION["name"])
    sign_in(network.coordinator).post(f"/applications/{organisation.pk}/decline/", {"reason": "Nein."})
    response = Client().post("/sign-in/", {"username": "paula@example.org", "password": PASSWORD})
    assert "geprüft" not in response.content.decode()


def test_a_newcomer_asks_to_join_and_the_organisations_contact_admits(network, sign_in):
    contact = member_of(UserFactory(display_name="Kurt Kontakt"), network.org)
    Membership.objects.filter(user=contact).update(can_admit=True)
    page = Client().get("/join/")
    assert page.status_code == 200 and "IHK Magdeburg" in page.content.decode()

    response = Client().post("/join/", {
        "organisation": network.org.pk, "person_display_name": "Karla Kollegin",
        "person_email": "karla@example.org", "message": "Ausbildungsleitung",
        "password": PASSWORD, "password_again": PASSWORD,
    })
    assert response.status_code == 302 and response["Location"] == "/join/thanks/"
    request = JoinRequest.objects.get(user__email="karla@example.org")
    # she cannot sign in yet, and is told why
    early = Client().post("/sign-in/", {"username": "karla@example.org", "password": PASSWORD})
    assert "geprüft" in early.content.decode()

    # a member who may not admit finds no such page
    assert sign_in(network.partner).get("/join-requests/").status_code == 404
    assert sign_in(network.partner).post(f"/join-requests/{request.pk}/admit/").status_code == 404
    contact_client = sign_in(contact)
    assert "Karla Kollegin" in contact_client.get("/join-requests/").content.decode()
    assert contact_client.post(f"/join-requests/{request.pk}/admit/").status_code == 302

    assert User.objects.get(email="karla@example.org").is_active
    signed_in = Client().post("/sign-in/", {"username": "karla@example.org", "password": PASSWORD})
    assert signed_in.status_code == 302
    mail.outbox.clear()
    notification_services.send_now(OutgoingMail.objects.filter(status="pending"))
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [contact.email, network.coordinator.email, "karla@example.org"]
    )


def test_a_decline_of_a_request_needs_a_reason(network, sign_in):
    response = Client().post("/join/", {
        "organisation": network.org.pk, "person_display_name": "Karla Kollegin",
        "person_email": "karla@example.org", "password": PASSWORD, "password_again": PASSWORD,
    })
    assert response.status_code == 302
    request = JoinRequest.objects.get()
    client = sign_in(network.coordinator)
    client.post(f"/join-requests/{request.pk}/decline/", {"reason": ""})
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.PENDING
    client.post(f"/join-requests/{request.pk}/decline/", {"reason": "Unbekannt bei der IHK."})
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.DECLINED and request.reason == "Unbekannt bei der IHK."


def test_a_pending_organisation_cannot_be_joined(network):
    pending = Organisation.objects.create(name="Noch offen", kind="other", region=region())
    response = Client().post("/join/", {
        "organisation": pending.pk, "person_display_name": "X", "person_email": "x@example.org",
        "password": PASSWORD, "password_again": PASSWORD,
    })
    assert response.status_code == 400
    assert not User.objects.filter(email="x@example.org").exists()
