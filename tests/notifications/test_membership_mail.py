"""Membership mail: an application reaches the coordinators, the decision reaches the applicant
(admitted: first steps; declined: the reason), and a request to join an admitted organisation
reaches those who may decide it, then the person, in their language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail

from core import joining, services
from core.exceptions import MissingInput, NotFound, TransitionNotAllowed
from core.models import JoinRequest, Membership, Organisation
from notifications import services as notification_services
from notifications.models import OutgoingMail
from tests.factories import UserFactory, member_of, region

pytestmark = pytest.mark.django_db
PASSWORD = "Sicher-Genug-2026"


def send_all(capture) -> dict[str, list]:
    """Send every pending mail; the mails by address."""
    mail.outbox.clear()
    notification_services.send_now(OutgoingMail.objects.filter(status="pending").order_by("pk"))
    by_address: dict[str, list] = {}
    for message in mail.outbox:
        by_address.setdefault(message.to[0], []).append(message)
    return by_address


def apply(language="de", email="neu@example.org"):
    return services.organisation_apply(
        name="Caritas Dessau", kind="welfare", region=region(), person_email=email,
        person_display_name="Nina Neu", password=PASSWORD, description="Beratung für Zugewanderte",
        preferred_language=language,
    )


def test_an_application_tells_every_coordinator_at_once(network, django_capture_on_commit_callbacks):
    english_coordinator = UserFactory(display_name="Carl", is_coordinator=True, preferred_language="en")
    with django_capture_on_commit_callbacks():
        organisation = apply()
    mails = send_all(None)

    assert sorted(mails) == sorted([network.coordinator.email, english_coordinator.email])
    (german,) = mails[network.coordinator.email]
    assert german.subject == "[Willkommensnetz] Caritas Dessau: neuer Aufnahmeantrag"
    assert "Nina Neu hat für Caritas Dessau die Aufnahme in das Netzwerk beantragt." in german.body
    assert "Kontakt: Nina Neu <neu@example.org>" in german.body
    assert "Beratung für Zugewanderte" in german.body
    assert f"{settings.SITE_URL}/applications/" in german.body
    (english,) = mails[english_coordinator.email]
    assert english.subject == "[Willkommensnetz] Caritas Dessau: new application"
    assert '<html lang="en">' in english.alternatives[0][0]
    # the applicant is the organisation's contact for the network
    assert Membership.objects.get(organisation=organisation).can_admit


def test_admission_sends_the_applicant_the_first_steps(network, django_capture_on_commit_callbacks):
    organisation = apply(language="en")
    send_all(None)
    with django_capture_on_commit_callbacks():
        services.organisation_admit(actor=network.coordinator, organisation=organisation)
    mails = send_all(None)

    assert list(mails) == ["neu@example.org"]
    (message,) = mails["neu@example.org"]
    assert message.subject == "[Willkommensnetz] Welcome: Caritas Dessau is now a partner of the network"
    assert "The coordinators admitted Caritas Dessau to the network. You can now sign in." in message.body
    for path in ("/sign-in/", "/preferences/", "/challenges/new/"):
        assert f"{settings.SITE_URL}{path}" in message.body
    # admitting again tells nobody twice
    services.organisation_admit(actor=network.coordinator, organisation=organisation)
    assert send_all(None) == {}


def test_a_decline_tells_the_applicant_the_reason(network, django_capture_on_commit_callbacks):
    organisation = apply()
    send_all(None)
    services.organisation_decline(
        actor=network.coordinator, organisation=organisation,
        reason="Ihr Sitz liegt außerhalb Sachsen-Anhalts.",
    )
    mails = send_all(None)
    (message,) = mails["neu@example.org"]
    assert message.subject == "[Willkommensnetz] Ihr Aufnahmeantrag für Caritas Dessau"
    assert "Die Koordination hat den Aufnahmeantrag von Caritas Dessau abgelehnt. Die Begründung:" in message.body
    assert "Ihr Sitz liegt außerhalb Sachsen-Anhalts." in message.body
    organisation.refresh_from_db()
    assert organisation.decline_reason == "Ihr Sitz liegt außerhalb Sachsen-Anhalts."


def ask_to_join(organisation, email="kollegin@example.org", language="de"):
    return joining.join_request_create(
        organisation=organisation, person_email=email, person_display_name="Karla Kollegin",
        password=PASSWORD, message="Ich leite die Ausbildung.", preferred_language=language,
    )


def test_a_request_to_join_reaches_the_organisations_contact_and_the_coordinators(network):
    contact = member_of(UserFactory(display_name="Kurt Kontakt"), network.org)
    Membership.objects.filter(user=contact).update(can_admit=True)
    request = ask_to_join(network.org)

    mails = send_all(None)
    # the contact and the coordinator; not the other members of the organisation
    assert sorted(mails) == sorted([contact.email, network.coordinator.email])
    (message,) = mails[contact.email]
    assert message.subject == "[Willkommensnetz] Karla Kollegin möchte IHK Magdeburg beitreten"
    assert "Ich leite die Ausbildung." in message.body
    assert f"{settings.SITE_URL}/join-requests/" in message.body
    assert not request.user.is_active


def test_the_contact_admits_and_the_person_gets_the_first_steps(network):
    contact = member_of(UserFactory(display_name="Kurt Kontakt"), network.org)
    Membership.objects.filter(user=contact).update(can_admit=True)
    request = ask_to_join(network.org, language="en")
    send_all(None)

    # a member who may not admit, and a member of another organisation, find nothing
    for outsider in (network.partner, network.other_partner):
        with pytest.raises(NotFound):
            joining.join_request_admit(actor=outsider, request=request)
    joining.join_request_admit(actor=contact, request=request)

    (message,) = send_all(None)["kollegin@example.org"]
    assert message.subject == "[Willkommensnetz] Welcome: you are now a member of IHK Magdeburg"
    assert "Kurt Kontakt confirmed your membership of IHK Magdeburg." in message.body
    request.user.refresh_from_db()
    assert request.user.is_active
    assert Membership.objects.filter(user=request.user, organisation=network.org).exists()
    with pytest.raises(TransitionNotAllowed):
        joining.join_request_decline(actor=network.coordinator, request=request, reason="zu spät")


def test_a_declined_request_tells_the_reason_and_needs_one(network):
    request = ask_to_join(network.org)
    send_all(None)
    with pytest.raises(MissingInput):
        joining.join_request_decline(actor=network.coordinator, request=request, reason=" ")
    joining.join_request_decline(
        actor=network.coordinator, request=request, reason="Bitte melden Sie sich über Ihre Kammer an."
    )
    (message,) = send_all(None)["kollegin@example.org"]
    assert message.subject == "[Willkommensnetz] Ihre Anfrage, IHK Magdeburg beizutreten"
    assert "Bitte melden Sie sich über Ihre Kammer an." in message.body
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.DECLINED
    request.user.refresh_from_db()
    assert not request.user.is_active


def test_only_an_admitted_organisation_can_be_joined(network):
    pending = Organisation.objects.create(name="Noch nicht", kind="other", region=region())
    with pytest.raises(MissingInput) as error:
        ask_to_join(pending)
    assert "organisation" in error.value.fields
