"""The list's organisation filter is a text field with suggestions, not a choice list of every
organisation (thousands in a regional network, issue 14): it resolves a typed name or an id
in one query and says clearly when no admitted organisation has that name."""

import pytest

from tests.builders import file_challenge
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(network):
    ours = file_challenge(actor=network.partner, organisation=network.org, title="Unsere Aufgabe")
    theirs = file_challenge(actor=network.other_partner, organisation=network.other_org,
                            title="Deren Aufgabe")
    return ours, theirs


def test_the_page_lists_no_organisations(network, sign_in, filed):
    for n in range(30):
        OrganisationFactory(name=f"Viele Partner {n:02}")
    body = sign_in(network.coordinator).get("/challenges/").content.decode()
    assert '<input type="text" name="organisation"' in body
    assert 'list="organisation-options"' in body
    assert "Viele Partner 07" not in body  # no <option> per organisation any more


@pytest.mark.parametrize("value", ["IHK Magdeburg", "ihk magdeburg", " IHK Magdeburg "])
def test_a_typed_name_filters(network, sign_in, filed, value):
    body = sign_in(network.coordinator).get("/challenges/", {"organisation": value}) \
        .content.decode()
    assert "Unsere Aufgabe" in body and "Deren Aufgabe" not in body
    assert 'value="IHK Magdeburg"' in body


def test_an_id_from_a_link_filters_and_shows_the_name(network, sign_in, filed,
                                                       django_assert_num_queries):
    client = sign_in(network.coordinator)
    body = client.get(f"/challenges/?organisation={network.other_org.pk}").content.decode()
    assert "Deren Aufgabe" in body and "Unsere Aufgabe" not in body
    assert 'value="Stadt Halle"' in body
    # Without and with the filter: the organisation costs one lookup, and no list of them.
    # session, user, roles, 3 filter choices (topics, regions, groups), count, page,
    # reminder policy and the open ones per state with the overdue (one grouped)
    with django_assert_num_queries(10):
        client.get("/challenges/")
    with django_assert_num_queries(11):
        client.get(f"/challenges/?organisation={network.other_org.pk}")


def test_an_unknown_name_is_a_clear_error(network, sign_in, filed):
    response = sign_in(network.coordinator).get("/challenges/", {"organisation": "Gibt es nicht"})
    assert response.status_code == 200
    assert "Keine aufgenommene Organisation heißt „Gibt es nicht“." in response.content.decode()


def test_suggestions_while_typing(network, sign_in, filed, django_assert_num_queries):
    OrganisationFactory(name="Handwerkskammer Halle")
    OrganisationFactory(name="Hallesche Werkstätten")
    client = sign_in(network.partner)
    # session, user, the names
    with django_assert_num_queries(3):
        response = client.get("/challenges/organisations/", {"organisation": "hall"})
    assert response.status_code == 200
    body = response.content.decode()
    # Those starting with the letters first, then the others containing them.
    names = [part.split('"')[0] for part in body.split('value="')[1:]]
    assert names == ["Hallesche Werkstätten", "Handwerkskammer Halle", "Stadt Halle"]
    assert "IHK Magdeburg" not in body
    assert client.get("/challenges/organisations/", {"organisation": "h"}).content.strip() == b""


def test_suggestions_need_a_sign_in(client):
    assert client.get("/challenges/organisations/?organisation=IHK").status_code == 302
