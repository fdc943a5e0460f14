"""Sign-in, sign-out, password reset, the partner application and its admission."""

import re

import pytest
from django.core import mail
from django.test import Client

from core.models import Organisation, User
from tests.factories import UserFactory, region

pytestmark = pytest.mark.django_db


def test_sign_in_with_email_lands_on_my_work(network):
    client = Client()
    page = client.get("/sign-in/")
    assert page.status_code == 200
    assert "E-Mail-Adresse" in page.content.decode()  # German by default
    response = client.post(
        "/sign-in/", {"username": network.partner.email, "password": "pass-word-123"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused(network):
    response = Client().post("/sign-in/", {"username": network.partner.email, "password": "nope"})
    assert response.status_code == 200
    assert "stimmen nicht" in response.content.decode()


def test_sign_out_needs_post_and_leads_to_the_catalogue(sign_in, network):
    client = sign_in(network.partner)
    response = client.post("/sign-out/")
    assert response.status_code == 302 and response["Location"] == "/good-practices/"
    assert client.get("/challenges/").status_code == 302  # signed out


@pytest.fixture
def reset_mail_inline(monkeypatch):
    """The reset mail goes out in the background (core.tasks): run it in the test instead."""
    from core import tasks

    task = tasks.send_password_reset_mail
    monkeypatch.setattr(task, "delay", lambda **kwargs: task(**kwargs))


def test_password_reset_sends_a_german_link_that_works(
    network, reset_mail_inline, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/password-reset/", {"email": network.partner.email})
    assert response.status_code == 302
    # an outbox row, sent by the outbox like every other mail
    from notifications.models import OutgoingMail
    from notifications.services import send_now

    assert mail.outbox == []
    send_now(OutgoingMail.objects.filter(status="pending"))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Willkommensnetz: neues Passwort wählen"
    link = re.search(r"https?://[^/\s]+(/password-reset/\S+/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "ein-neues-Passwort-42", "new_password2": "ein-neues-Passwort-42"},
    )
    assert done.status_code == 302
    assert Client().login(email=network.partner.email, password="ein-neues-Passwort-42")


def test_password_reset_for_unknown_address_sends_nothing(
    db, reset_mail_inline, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/password-reset/", {"email": "niemand@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []
    from notifications.models import OutgoingMail

    assert not OutgoingMail.objects.exists()


APPLICATION = {
    "name": "Pflegedienst Sonnenschein",
    "kind": "employer",
    "website": "https://sonnenschein.example.org",
    "description": "Ambulanter Pflegedienst mit 40 Beschäftigten.",
    "person_display_name": "Anna Antrag",
    "person_email": "anna@sonnenschein.example.org",
    "password": "lange-genug-2026",
    "password_again": "lange-genug-2026",
}


def test_an_organisation_applies_and_a_coordinator_admits_it(network, sign_in):
    data = {**APPLICATION, "region": region("halle-saale").pk}
    response = Client().post("/apply/", data)
    assert response.status_code == 302 and response["Location"] == "/apply/thanks/"
    organisation = Organisation.objects.get(name="Pflegedienst Sonnenschein")
    assert organisation.status == Organisation.Status.PENDING
    # Pending: the person cannot sign in yet.
    assert not Client().login(email="anna@sonnenschein.example.org", password="lange-genug-2026")

    coordinator = sign_in(network.coordinator)
    listing = coordinator.get("/applications/")
    assert "Pflegedienst Sonnenschein" in listing.content.decode()
    admitted = coordinator.post(f"/applications/{organisation.pk}/admit/")
    assert admitted.status_code == 302
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.ADMITTED
    assert Client().login(email="anna@sonnenschein.example.org", password="lange-genug-2026")


def test_an_application_with_a_known_address_is_refused(network):
    data = {**APPLICATION, "region": region().pk, "person_email": network.partner.email}
    response = Client().post("/apply/", data)
    assert response.status_code == 400
    assert "bereits registriert" in response.content.decode()
    assert not Organisation.objects.filter(name="Pflegedienst Sonnenschein").exists()


def test_differing_passwords_are_refused(db):
    data = {**APPLICATION, "region": region().pk, "password_again": "etwas-anderes-1"}
    response = Client().post("/apply/", data)
    assert response.status_code == 400
    assert not User.objects.filter(email=APPLICATION["person_email"]).exists()


@pytest.mark.parametrize("role", ["partner", "group_member", "stakeholder"])
def test_only_coordinators_see_and_admit_applications(network, sign_in, role):
    Client().post("/apply/", {**APPLICATION, "region": region().pk})
    organisation = Organisation.objects.get(name="Pflegedienst Sonnenschein")
    client = sign_in(getattr(network, role))
    assert client.get("/applications/").status_code == 404
    assert client.post(f"/applications/{organisation.pk}/admit/").status_code == 404
    assert client.post(f"/applications/{organisation.pk}/decline/").status_code == 404
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PENDING


def test_a_coordinator_declines_an_application_and_its_person_cannot_sign_in(network, sign_in):
    Client().post("/apply/", {**APPLICATION, "region": region().pk})
    organisation = Organisation.objects.get(name="Pflegedienst Sonnenschein")
    client = sign_in(network.coordinator)
    assert f"/applications/{organisation.pk}/decline/" in client.get("/applications/").content.decode()
    # a decline needs the reason the applicant is told
    client.post(f"/applications/{organisation.pk}/decline/")
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PENDING
    response = client.post(f"/applications/{organisation.pk}/decline/", {"reason": "Kein Bezug zum Land."})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.DECLINED
    assert organisation.decline_reason == "Kein Bezug zum Land."
    assert f"/applications/{organisation.pk}/" not in client.get("/applications/").content.decode()
    applicant = organisation.members.get()
    assert not applicant.is_active
    # an admitted organisation cannot be declined afterwards
    admitted = network.org
    client.post(f"/applications/{admitted.pk}/decline/", {"reason": "zu spät"})
    admitted.refresh_from_db()
    assert admitted.status == Organisation.Status.ADMITTED


def _main_nav(body: str) -> str:
    start = body.index('class="main-nav"')
    return body[start:body.index("</nav>", start)]


def test_coordinators_find_the_applications_in_the_main_navigation(network, sign_in):
    coordinator = _main_nav(sign_in(network.coordinator).get("/").content.decode())
    partner = _main_nav(sign_in(network.partner).get("/").content.decode())
    assert 'href="/applications/"' in coordinator
    assert 'href="/applications/"' not in partner


def test_only_staff_get_the_administration_link(network, sign_in):
    staff = UserFactory(is_staff=True)
    assert 'href="/admin/"' in sign_in(staff).get("/preferences/").content.decode()
    assert 'href="/admin/"' not in sign_in(network.coordinator).get("/preferences/").content.decode()
