"""Search on the pages and in the admin: relevance, highlighted and escaped snippets."""

import pytest

from tests.builders import file_challenge

pytestmark = pytest.mark.django_db


def test_list_search_ranks_and_marks_matches_safely(network, sign_in):
    file_challenge(actor=network.partner, organisation=network.org, title="Busverbindung",
                   description="<script>alert(1)</script> Auch Ärzte fahren Bus.")
    file_challenge(actor=network.partner, organisation=network.org, title="Ärzte warten",
                   description="Approbation dauert.")
    page = sign_in(network.partner).get("/challenges/?q=Aerzte").content.decode()
    assert page.index("</mark> warten") < page.index("Busverbindung")  # title match first
    assert "<mark>Ärzte</mark> fahren" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_list_search_can_be_sorted_by_date_instead(network, sign_in):
    file_challenge(actor=network.partner, organisation=network.org, title="Ärzte warten")
    file_challenge(actor=network.partner, organisation=network.org, title="Bus",
                   description="Ärzte fahren Bus.")
    page = sign_in(network.partner).get("/challenges/?q=Ärzte&sort=newest").content.decode()
    assert page.index(">Bus<") < page.index("</mark> warten")


def test_catalogue_search(network, published, client):
    page = client.get("/good-practices/?q=Lotsen").content.decode()
    assert published.title in page and "<mark>" in page
    assert published.title not in client.get("/good-practices/?q=Kinderbetreuung").content.decode()


def test_admin_search_uses_the_german_search(network, client):
    network.coordinator.is_staff = network.coordinator.is_superuser = True
    network.coordinator.save()
    file_challenge(actor=network.partner, organisation=network.org, title="Unterkunft fehlt")
    file_challenge(actor=network.partner, organisation=network.org, title="Kita fehlt")
    client.force_login(network.coordinator)
    page = client.get("/admin/workflows/challenge/?q=Wohnung").content.decode()
    assert "Unterkunft fehlt" in page and "Kita fehlt" not in page
