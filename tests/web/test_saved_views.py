"""Saved views: save the list's search and filters under a name, find it on the work page,
share it as a link, subscribe to its new matches in the digest."""

import datetime

import pytest
import time_machine
from django.core import mail

from notifications import services as notification_services
from tests.builders import file_challenge
from tests.notifications.support import prefer
from workflows.search.models import SavedView
from workflows.search.saved_views import saved_view_create

pytestmark = pytest.mark.django_db
MONDAY = datetime.datetime(2026, 3, 2, 6, 0, tzinfo=datetime.UTC)


def test_save_the_lists_search_and_filters_and_find_it_on_the_work_page(network, sign_in):
    client = sign_in(network.partner)
    page = client.get("/challenges/?q=Wohnung&state=reported&page=2").content.decode()
    assert 'name="query" value="q=Wohnung&amp;state=reported"' in page

    response = client.post("/challenges/views/", {
        "name": "Wohnen", "query": "q=Wohnung&state=reported&page=2&evil=1"
    })

    assert response.status_code == 302
    view = SavedView.objects.get(owner=network.partner)
    assert (view.name, view.query, view.subscribed) == ("Wohnen", "q=Wohnung&state=reported", False)
    work = client.get("/").content.decode()
    assert 'href="/challenges/?q=Wohnung&amp;state=reported">Wohnen</a>' in work


def test_names_are_required_and_unique_per_person(network, sign_in):
    client = sign_in(network.partner)
    client.post("/challenges/views/", {"name": "A", "query": "q=x"})
    client.post("/challenges/views/", {"name": "A", "query": "q=y"})
    client.post("/challenges/views/", {"name": "  ", "query": "q=y"})
    assert list(SavedView.objects.values_list("query", flat=True)) == ["q=x"]
    saved_view_create(actor=network.other_partner, name="A", query="q=z")  # another person may


def test_only_the_owner_changes_a_view(network, sign_in):
    view = saved_view_create(actor=network.partner, name="Kita", query="q=Kita")
    other = sign_in(network.other_partner)
    assert other.post(f"/challenges/views/{view.pk}/", {"action": "delete"}).status_code == 404
    assert other.post(f"/challenges/views/{view.pk}/", {"action": "subscribe"}).status_code == 404
    owner = sign_in(network.partner)
    owner.post(f"/challenges/views/{view.pk}/", {"action": "subscribe"})
    assert SavedView.objects.get().subscribed is True
    owner.post(f"/challenges/views/{view.pk}/", {"action": "delete"})
    assert not SavedView.objects.exists()


def test_a_shared_link_shows_each_person_only_what_they_may_see(network, sign_in):
    secret = file_challenge(actor=network.partner, organisation=network.org, title="Kita fehlt",
                            visibility="restricted")
    view = saved_view_create(actor=network.partner, name="Kita", query="q=Kita")
    link = f"/challenges/?{view.query}"
    row = f'href="/challenges/{secret.pk}/"'
    assert row in sign_in(network.partner).get(link).content.decode()
    assert row not in sign_in(network.other_partner).get(link).content.decode()


def test_subscribed_views_new_matches_are_in_the_digest(network):
    prefer(network.other_partner, digest="daily")
    saved_view_create(actor=network.other_partner, name="Wohnen", query="q=Wohnung",
                      subscribed=True)
    saved_view_create(actor=network.other_partner, name="Kita", query="q=Kita", subscribed=False)
    with time_machine.travel(MONDAY - datetime.timedelta(hours=3), tick=False):
        file_challenge(actor=network.partner, organisation=network.org,
                       title="Unterkunft für Saisonkräfte fehlt")
        file_challenge(actor=network.partner, organisation=network.org, title="Kita-Plätze fehlen")

    with time_machine.travel(MONDAY, tick=False):
        outcomes = notification_services.digests_send(period="daily")
    notification_services.send_now(o.mail for o in outcomes)

    (message,) = [m for m in mail.outbox if m.to == [network.other_partner.email]]
    assert "Wohnen" in message.body
    section = message.body.split("Wohnen", 1)[1]
    assert "Unterkunft für Saisonkräfte fehlt" in section.split("==", 2)[1]
    assert "“Kita”" not in message.body  # not subscribed
