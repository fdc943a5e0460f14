"""A person's data rights: export (page, API, by a coordinator, logged), erasure on request
(asked by the person, confirmed by a coordinator) and what is left afterwards: nothing that
names the person, anywhere in the database, pages, API, search or outbox."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token

from core import personal_data
from core.exceptions import NotFound, PermissionDenied, TransitionNotAllowed
from core.models import ErasureRequest, PersonalDataLog, User
from notifications import services as notification_services
from notifications.models import OutgoingMail, Preference
from tests.api.conftest import client_for
from tests.builders import advance, file_challenge
from tests.factories import UserFactory, member_of
from tests.notifications.support import prefer
from tests.web.conftest import sign_in  # noqa: F401  (fixture)
from workflows import services
from workflows.models import Comment, Follow, TransitionLog

pytestmark = pytest.mark.django_db

NAME = "Wiebke Quandt-Zeisig"
EMAIL = "wiebke.quandt-zeisig@beispiel-verein.de"


@pytest.fixture
def person(network):
    """A partner with a distinctive name who filed, commented, took a step, follows, has
    preferences, a token, a session and mails (sent and pending); others mention her."""
    user = member_of(UserFactory(display_name=NAME, email=EMAIL), network.org)
    network.group.members.add(user)
    prefer(user, digest="daily", immediate=True)
    challenge = file_challenge(actor=user, organisation=network.org, title="Anerkennung stockt")
    services.comment_add(actor=user, challenge=challenge, body="Wir sehen das in drei Fällen.")
    advance(challenge, "analysed", actor=user, group=network.group)
    other = file_challenge(actor=network.partner, organisation=network.org, title="Wohnraum fehlt")
    services.challenge_follow(actor=user, challenge=other)
    # Someone else writes her name into a comment; mails about it go out.
    services.comment_add(
        actor=network.coordinator, challenge=other, body=f"Danke an {NAME} für den Hinweis."
    )
    for event in other.events.all():
        notification_services.event_fan_out(event_id=event.pk)
    for event in challenge.events.all():
        notification_services.event_fan_out(event_id=event.pk)
    Token.objects.create(user=user)
    return user


def _ask_and_confirm(person, coordinator):
    request = personal_data.erasure_request(actor=person)
    return personal_data.erasure_confirm(actor=coordinator, request=request)


# --- export -----------------------------------------------------------------------------------


def test_the_export_holds_every_section_of_the_person(network, person):
    data = personal_data.personal_data_export(actor=person, person=person)
    assert data["profile"]["email"] == EMAIL and data["profile"]["display_name"] == NAME
    assert [m["organisation"] for m in data["memberships"]] == ["IHK Magdeburg"]
    assert [g["name"] for g in data["working_groups"]] == ["AG Anerkennung"]
    assert [c["title"] for c in data["challenges_filed"]] == ["Anerkennung stockt"]
    assert [c["body"] for c in data["comments"]] == ["Wir sehen das in drei Fällen."]
    assert [t["transition"] for t in data["transitions_performed"]] == ["file", "analyse"]
    assert [r["kind"] for r in data["records_written"]] == ["analysis"]
    assert len(data["follows"]) == 2  # her own challenge and the one she follows
    assert data["preferences"] == {"immediate": True, "digest": "daily"}
    assert data["mails"] and all(m["to"] == EMAIL for m in data["mails"])
    # Nobody else's data: the coordinator's comment is not hers.
    assert all("Danke an" not in c["body"] for c in data["comments"])


def test_the_page_download_is_json_and_others_cannot_get_it(network, person, sign_in):
    response = sign_in(person).get("/my-data/export/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["profile"]["email"] == EMAIL
    # A partner cannot fetch another person's data; only coordinators can.
    assert sign_in(network.partner).get(f"/data-protection/people/{person.pk}/export/").status_code == 404
    assert Client().get("/my-data/export/").status_code == 302


def test_a_coordinator_exports_for_the_person_and_it_is_logged(network, person, sign_in):
    client = sign_in(network.coordinator)
    page = client.get("/data-protection/", {"email": EMAIL}).content.decode()
    assert f"/data-protection/people/{person.pk}/export/" in page
    response = client.get(f"/data-protection/people/{person.pk}/export/")
    assert json.loads(response.content)["profile"]["display_name"] == NAME
    entry = PersonalDataLog.objects.get(action="exported", person=person)
    assert entry.actor == network.coordinator


def test_the_api_export_matches_its_schema_types(network, person):
    response = client_for(person).get("/api/v1/me/export/")
    assert response.status_code == 200
    body = response.json()
    assert body["profile"]["email"] == EMAIL and body["comments"][0]["challenge_id"] > 0
    assert client_for(None).get("/api/v1/me/export/").status_code == 401


# --- erasure: the flow ----------------------------------------------------------------------------


def test_the_person_asks_and_withdraws_through_the_page(network, person, sign_in):
    client = sign_in(person)
    assert client.post("/my-data/erasure/", {}).status_code == 400  # the box must be ticked
    assert not ErasureRequest.objects.exists()
    assert client.post("/my-data/erasure/", {"confirm": "on"}).status_code == 302
    assert ErasureRequest.objects.get().status == "pending"
    assert 'id="erasure-pending"' in client.get("/my-data/").content.decode()
    client.post("/my-data/erasure/withdraw/")
    assert ErasureRequest.objects.get().status == "withdrawn"


def test_the_api_asks_shows_and_withdraws(network, person):
    api = client_for(person)
    assert api.get("/api/v1/me/erasure/").json() == {"status": "none", "requested_at": None}
    assert api.post("/api/v1/me/erasure/").status_code == 202
    assert api.post("/api/v1/me/erasure/").json()["status"] == "pending"  # once
    assert ErasureRequest.objects.filter(status="pending").count() == 1
    assert api.delete("/api/v1/me/erasure/").status_code == 204
    assert api.get("/api/v1/me/erasure/").json()["status"] == "none"


def test_only_another_coordinator_confirms(network, person):
    request = personal_data.erasure_request(actor=person)
    with pytest.raises(NotFound):
        personal_data.erasure_confirm(actor=network.partner, request=request)
    own = personal_data.erasure_request(actor=network.coordinator)
    with pytest.raises(PermissionDenied):
        personal_data.erasure_confirm(actor=network.coordinator, request=own)
    personal_data.erasure_decline(actor=network.coordinator, request=request)
    with pytest.raises(TransitionNotAllowed):
        personal_data.erasure_confirm(actor=network.coordinator, request=request)
    assert User.objects.get(pk=person.pk).erased_at is None


def test_a_coordinator_confirms_on_the_page(network, person, sign_in):
    request = personal_data.erasure_request(actor=person)
    client = sign_in(network.coordinator)
    assert NAME in client.get("/data-protection/").content.decode()
    assert sign_in(network.partner).post(f"/data-protection/requests/{request.pk}/confirm/").status_code == 404
    response = client.post(f"/data-protection/requests/{request.pk}/confirm/")
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "done" and request.decided_by == network.coordinator
    assert User.objects.get(pk=person.pk).erased_at is not None


# --- erasure: what is left ------------------------------------------------------------------------


def test_erasure_keeps_contributions_under_former_member(network, person):
    comments = Comment.objects.filter(author=person).count()
    steps = TransitionLog.objects.filter(actor=person).count()
    _ask_and_confirm(person, network.coordinator)
    user = User.objects.get(pk=person.pk)
    assert str(user) == "ehemaliges Mitglied" and user.display_name == "ehemaliges Mitglied"
    assert user.email.endswith("@erased.invalid") and not user.has_usable_password()
    assert not user.is_active and not user.memberships.exists() and not user.working_groups.exists()
    assert Comment.objects.filter(author=user).count() == comments
    assert TransitionLog.objects.filter(actor=user).count() == steps
    assert not Follow.objects.filter(user=user).exists()
    assert not Preference.objects.filter(user=user).exists()
    assert not OutgoingMail.objects.filter(recipient=user).exists()
    assert not Token.objects.filter(user=user).exists()
    assert Client().login(username=EMAIL, password="pass-word-123") is False


def test_erasure_ends_the_persons_sessions(network, person, sign_in):
    client = sign_in(person)
    assert client.get("/my-data/").status_code == 200
    _ask_and_confirm(person, network.coordinator)
    assert not any(
        str(s.get_decoded().get("_auth_user_id")) == str(person.pk) for s in Session.objects.all()
    )
    assert client.get("/my-data/").status_code == 302  # signed out


def _text_columns() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'public'
              AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'character')
            """
        )
        return cursor.fetchall()


def _occurrences(needle: str) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            cursor.execute(
                f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE %s',
                [f"%{needle}%"],
            )
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
    return found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="scans PostgreSQL's catalogue")
def test_after_erasure_nothing_names_the_person_anywhere(network, person, sign_in):
    needles = [NAME, EMAIL, "Quandt-Zeisig", "wiebke.quandt"]
    # Before: the scan does find her (so it can fail).
    assert "core_user.email" in _occurrences(EMAIL) and "core_user.display_name" in _occurrences(NAME)
    assert _occurrences(NAME) != ["core_user.display_name"]  # mails and a comment name her too
    _ask_and_confirm(person, network.coordinator)
    for needle in needles:
        assert _occurrences(needle) == [], needle
    # Pages, API, search: nothing either.
    challenge = Comment.objects.filter(author_id=person.pk).first().challenge
    coordinator = sign_in(network.coordinator)
    pages = [f"/challenges/{challenge.pk}/", "/challenges/", "/", "/data-protection/",
             "/challenges/board/"]
    for path in pages:
        body = coordinator.get(path).content.decode()
        assert all(n.lower() not in body.lower() for n in needles), path
    # Search results (the result list alone: the search box and the per-state count links
    # repeat what was typed).
    for needle in needles:
        results = coordinator.get(
            "/challenges/", {"q": needle}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
        ).content.decode()
        results = re.sub(r'<section class="card glance".*?</section>', "", results, flags=re.S)
        assert needle.lower() not in results.lower() and "Anerkennung stockt" not in results
    assert "ehemaliges Mitglied" in coordinator.get(f"/challenges/{challenge.pk}/").content.decode()
    api = client_for(network.coordinator)
    for path in [
        f"/api/v1/challenges/{challenge.pk}/", f"/api/v1/challenges/{challenge.pk}/history/",
        f"/api/v1/challenges/{challenge.pk}/comments/", f"/api/v1/challenges/?search={NAME}",
        "/api/v1/working-groups/", "/api/v1/organisations/",
    ]:
        text = api.get(path).content.decode()
        assert all(n.lower() not in text.lower() for n in needles), path
    assert api.get(f"/api/v1/challenges/?search={NAME}").json()["count"] == 0


def test_erasing_twice_changes_nothing(network, person):
    _ask_and_confirm(person, network.coordinator)
    email = User.objects.get(pk=person.pk).email
    personal_data.person_erase(actor=network.coordinator, person=User.objects.get(pk=person.pk))
    assert User.objects.get(pk=person.pk).email == email
    assert PersonalDataLog.objects.filter(action="erased").count() == 1
