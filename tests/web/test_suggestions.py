"""Suggestions while filing, on a challenge's page, and the one-click close as duplicate."""

import pytest

from tests.builders import file_challenge
from workflows.models import Challenge, ClosureReason, State
from workflows.search import index as search_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def housing(network):
    return file_challenge(
        actor=network.other_partner, organisation=network.other_org,
        title="Wohnungssuche für neue Fachkräfte scheitert an der Schufa",
        description="Vermieter verlangen Schufa-Auskunft und Gehaltsnachweise.",
    )


def test_filing_form_asks_for_suggestions_without_inline_script(network, sign_in):
    page = sign_in(network.partner).get("/challenges/new/").content.decode()
    assert 'hx-get="/challenges/suggestions/"' in page
    assert "delay:500ms" in page
    assert "<script>" not in page.split("</head>")[1]


def test_suggestions_while_typing_show_similar_challenges_with_state(network, sign_in, housing):
    page = sign_in(network.partner).get(
        "/challenges/suggestions/",
        {"title": "Keine Wohnung für Fachkraefte", "description": "Schufa fehlt"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert housing.title in page
    assert f"/challenges/{housing.pk}/#h-comment" in page
    assert "state-reported" in page


def test_suggestions_never_show_what_the_person_may_not_see(network, sign_in):
    secret = file_challenge(actor=network.other_partner, organisation=network.other_org,
                            title="Wohnungssuche scheitert", visibility="restricted")
    page = sign_in(network.partner).get(
        "/challenges/suggestions/", {"title": "Wohnungssuche", "description": ""}
    ).content.decode()
    assert secret.title not in page


def test_short_text_gives_no_suggestions(network, sign_in, housing):
    page = sign_in(network.partner).get(
        "/challenges/suggestions/", {"title": "Wo", "description": ""}
    ).content.decode()
    assert page.strip() == ""


def test_detail_lists_related_challenges(network, sign_in, housing):
    other = file_challenge(actor=network.partner, organisation=network.org,
                           title="Mietwohnung für Fachkräfte ohne Schufa unmöglich")
    search_index.fold_vocabulary()  # the beat job's minute: the vocabulary counts their words
    page = sign_in(network.partner).get(f"/challenges/{other.pk}/").content.decode()
    assert "Related challenges" in page or "Ähnliche Herausforderungen" in page
    assert housing.title in page
    assert "close-as-duplicate" not in page  # partners do not close


def test_coordinator_closes_as_duplicate_in_one_click_and_both_sides_link(
    network, sign_in, housing
):
    copy = file_challenge(actor=network.partner, organisation=network.org,
                          title="Mietwohnung für Fachkräfte ohne Schufa unmöglich")
    search_index.fold_vocabulary()  # the beat job's minute: the vocabulary counts their words
    client = sign_in(network.coordinator)
    page = client.get(f"/challenges/{copy.pk}/").content.decode()
    assert f"/challenges/{copy.pk}/close-as-duplicate/" in page

    response = client.post(f"/challenges/{copy.pk}/close-as-duplicate/", {"original": housing.pk})

    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.state == State.CLOSED
    assert copy.closure_reason == ClosureReason.DUPLICATE and copy.duplicate_of_id == housing.pk
    assert copy.log.last().transition == "close"  # through the close service
    original_page = client.get(f"/challenges/{housing.pk}/").content.decode()
    assert f'href="/challenges/{copy.pk}/"' in original_page  # the original lists its duplicate
    copy_page = client.get(f"/challenges/{copy.pk}/").content.decode()
    assert f'href="/challenges/{housing.pk}/">#{housing.pk}' in copy_page


def test_partner_cannot_close_as_duplicate(network, sign_in, housing):
    copy = file_challenge(actor=network.partner, organisation=network.org, title="Wohnung")
    sign_in(network.partner).post(f"/challenges/{copy.pk}/close-as-duplicate/",
                                  {"original": housing.pk})
    assert Challenge.objects.get(pk=copy.pk).state == State.REPORTED


def test_close_as_duplicate_of_an_invisible_or_unknown_challenge_changes_nothing(
    network, sign_in, housing
):
    client = sign_in(network.coordinator)
    for original in ("999999", "abc", ""):
        client.post(f"/challenges/{housing.pk}/close-as-duplicate/", {"original": original})
    assert Challenge.objects.get(pk=housing.pk).state == State.REPORTED
