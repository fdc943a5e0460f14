"""The propose form offers the existing good-practice records that look like an approach, and
links the approach to one so the record grows: without JavaScript (a button posts the form)
and through the htmx fragment the title field asks for while someone types."""

from __future__ import annotations

import datetime

import pytest

from tests.builders import advance, file_challenge
from workflows import services
from workflows.models import Challenge, GoodPractice, State

pytestmark = pytest.mark.django_db

STEP = "/challenges/{pk}/step/propose_approach/"


@pytest.fixture
def analysed(network, published):
    challenge = file_challenge(actor=network.partner, organisation=network.org,
                               title="Kammern beraten zu spät")
    return advance(challenge, State.ANALYSED, actor=network.group_member, group=network.group)


def _form(**extra):
    return {
        "expected_state": "analysed",
        "approach_0_title": "Lotsen-Programm in den Kammern",
        "approach_0_description": "Lotsen begleiten die Anerkennung.",
        "selected_approach": "0",
        **extra,
    }


def test_without_javascript_look_up_link_and_propose(network, sign_in, published, analysed):
    client = sign_in(network.group_member)
    url = STEP.format(pk=analysed.pk)

    # "Look for similar good practices" posts the form: the records come back, nothing runs.
    page = client.post(url, _form(look_up="0"))
    body = page.content.decode()
    assert page.status_code == 200
    assert f'name="link_approach_0" value="{published.pk}"' in body
    assert published.title in body
    assert Challenge.objects.get(pk=analysed.pk).state == State.ANALYSED

    # "Link approach 1 to this record" sets the approach's good-practice field.
    page = client.post(url, _form(link_approach_0=str(published.pk)))
    body = page.content.decode()
    assert page.status_code == 200
    assert f'<option value="{published.pk}" selected>' in body
    assert f'data-linked="{published.pk}"' in body and "Verknüpft" in body
    assert Challenge.objects.get(pk=analysed.pk).state == State.ANALYSED

    # Submitted, the approach reuses the record.
    page = client.post(url, _form(approach_0_good_practice=str(published.pk)))
    assert page.status_code == 302
    challenge = Challenge.objects.get(pk=analysed.pk)
    assert challenge.state == State.APPROACH_PROPOSED
    assert challenge.approaches.get(selected=True).good_practice_id == published.pk


def test_a_failed_submit_shows_the_similar_records_too(network, sign_in, published, analysed):
    page = sign_in(network.group_member).post(
        STEP.format(pk=analysed.pk), _form(approach_0_description="")
    )
    assert page.status_code == 400
    assert f'name="link_approach_0" value="{published.pk}"' in page.content.decode()


def test_the_title_field_asks_htmx_for_similar_records(network, sign_in, published, analysed):
    client = sign_in(network.group_member)
    form = client.get(STEP.format(pk=analysed.pk)).content.decode()
    assert 'hx-get="/good-practices/similar/"' in form
    assert 'hx-target="#similar-approach-0"' in form and 'id="similar-approach-0"' in form

    fragment = client.get("/good-practices/similar/", {
        "row": "1", "approach_1_title": "Lotsenprogramm für Pflegekräfte",
    }).content.decode()
    assert f'name="link_approach_1" value="{published.pk}"' in fragment
    assert 'data-link-select="id_approach_1_good_practice"' in fragment

    linked = client.get("/good-practices/similar/", {
        "row": "1", "approach_1_title": "Lotsenprogramm", "approach_1_good_practice": published.pk,
    }).content.decode()
    assert f'data-linked="{published.pk}"' in linked


@pytest.mark.parametrize("row", ["9", "²", "-1", "x"])
def test_a_row_that_is_not_in_the_form_offers_no_link(network, published, row, client):
    fragment = client.get("/good-practices/similar/", {"row": row, "title": "Lotsenprogramm"})
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert published.title in body and "link_approach" not in body


def test_a_linked_approach_makes_the_record_grow(network, sign_in, published, analysed):
    sign_in(network.group_member).post(
        STEP.format(pk=analysed.pk), _form(approach_0_good_practice=str(published.pk))
    )
    challenge = Challenge.objects.get(pk=analysed.pk)
    challenge = services.challenge_start_trial(
        actor=network.group_member, challenge=challenge,
        start=datetime.date(2026, 2, 1), planned_end=datetime.date(2026, 7, 31),
        partners=[challenge.organisation],
    )
    services.challenge_evaluate(
        actor=network.group_member, challenge=challenge, outcome="successful",
        evidence="Wartezeit um ein Drittel kürzer", lessons_learned="Kammern früh einbinden",
    )
    assert GoodPractice.objects.count() == 1
    record = GoodPractice.objects.get()
    assert record.trial_count == 2
    assert "Wartezeit um ein Drittel kürzer" in record.evidence
