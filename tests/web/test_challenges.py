"""Challenge pages per role: list, board, detail, new, edit, steps, comment, follow, assign.
Invisible challenges are "not found" (404), never "forbidden"."""

import re

import pytest
from django.test import Client

from tests.builders import advance, file_challenge
from tests.factories import region, target_group, topic
from workflows.models import Challenge, Comment, Follow, State

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted(network):
    return file_challenge(
        actor=network.partner, organisation=network.org, visibility="restricted",
        title="Vertrauliche Beobachtung aus der Kammer",
    )


@pytest.fixture
def open_challenge(network):
    return file_challenge(actor=network.partner, organisation=network.org, title="Wohnungssuche scheitert")


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/challenges/", "/challenges/board/", "/challenges/new/", "/statistics/"])
def test_anonymous_visitors_are_sent_to_sign_in(db, path):
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


@pytest.mark.parametrize(
    "role,status",
    [("partner", 200), ("coordinator", 200), ("other_partner", 404), ("stakeholder", 404),
     ("outsider_member", 404)],
)
def test_restricted_challenge_detail_per_role(network, sign_in, restricted, role, status):
    response = sign_in(getattr(network, role)).get(f"/challenges/{restricted.pk}/")
    assert response.status_code == status


def test_restricted_challenge_is_seen_by_its_assigned_group(network, sign_in, restricted):
    advance(restricted, State.ANALYSED, actor=network.coordinator, group=network.group)
    assert sign_in(network.group_member).get(f"/challenges/{restricted.pk}/").status_code == 200


@pytest.mark.parametrize("role", ["other_partner", "stakeholder"])
def test_invisible_challenge_is_404_for_every_action(network, sign_in, restricted, role):
    client = sign_in(getattr(network, role))
    pk = restricted.pk
    assert client.get(f"/challenges/{pk}/edit/").status_code == 404
    assert client.get(f"/challenges/{pk}/step/analyse/").status_code == 404
    assert client.post(f"/challenges/{pk}/comment/", {"body": "Hallo"}).status_code == 404
    assert client.post(f"/challenges/{pk}/follow/").status_code == 404
    assert client.post(f"/challenges/{pk}/assign/", {"working_group": ""}).status_code == 404
    assert not Comment.objects.exists()


def test_unknown_challenge_is_404(network, sign_in):
    assert sign_in(network.coordinator).get("/challenges/999999/").status_code == 404


# --- list and board ---------------------------------------------------------------------------


def test_list_shows_only_visible_challenges(network, sign_in, restricted, open_challenge):
    own = sign_in(network.partner).get("/challenges/").content.decode()
    other = sign_in(network.other_partner).get("/challenges/").content.decode()
    assert restricted.title in own and open_challenge.title in own
    assert restricted.title not in other and open_challenge.title in other


def test_list_filters_and_search(network, sign_in, open_challenge):
    languages = file_challenge(
        actor=network.partner, organisation=network.org, title="Sprachkurse fehlen im Harz",
        topic=topic("language"), region=region("harz"),
    )
    advance(languages, State.ANALYSED, actor=network.group_member, group=network.group)
    client = sign_in(network.partner)

    def titles(query):
        # Search results mark the matched words in titles: read the titles without the marks.
        body = re.sub(r"</?mark[^>]*>", "", client.get("/challenges/?" + query).content.decode())
        return {t for t in (open_challenge.title, languages.title) if t in body}

    assert titles("state=analysed") == {languages.title}
    assert titles(f"topic={topic('language').pk}") == {languages.title}
    assert titles(f"region={region('harz').pk}") == {languages.title}
    assert titles(f"working_group={network.group.pk}") == {languages.title}
    assert titles(f"organisation={network.org.pk}") == {open_challenge.title, languages.title}
    assert titles("q=Wohnungssuche") == {open_challenge.title}
    assert titles("q=Sprachkurse+Harz") == {languages.title}
    assert titles("q=Sprachkurs") == {languages.title}  # part of a word
    assert titles("q=nirgendwo") == set()


def test_list_sorts_by_title(network, sign_in, open_challenge):
    file_challenge(actor=network.partner, organisation=network.org, title="Anerkennung hakt")
    body = sign_in(network.partner).get("/challenges/?sort=title").content.decode()
    assert body.index("Anerkennung hakt") < body.index("Wohnungssuche scheitert")


def test_htmx_filter_answers_only_the_results(network, sign_in, open_challenge):
    response = sign_in(network.partner).get(
        "/challenges/?q=Wohnung", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"')
    assert "<mark>" in body  # the matched word is marked in the result
    assert open_challenge.title in re.sub(r"</?mark[^>]*>", "", body) and "<html" not in body


def test_board_has_one_column_per_state(network, sign_in, open_challenge):
    body = sign_in(network.stakeholder).get("/challenges/board/").content.decode()
    for state in State.values:
        assert f'id="col-{state}"' in body
    reported = body[body.index('id="col-reported"'):body.index('id="col-analysed"')]
    assert open_challenge.title in reported


@pytest.mark.parametrize("role", ["coordinator", "group_member", "partner", "stakeholder"])
def test_board_cards_link_and_offer_the_steps_of_each_card(network, sign_in, role):
    """Each card's address, move target and menu of next steps are the ones its own
    ``reverse`` and ``allowed_transitions_for`` give (the board computes them once per page)."""
    from django.urls import reverse

    from workflows import selectors

    user = getattr(network, role)
    mine = file_challenge(actor=network.partner, organisation=network.org, title="Unser Fall")
    theirs = file_challenge(actor=network.other_partner, organisation=network.other_org,
                            title="Deren Fall")
    assigned = advance(
        file_challenge(actor=network.partner, organisation=network.org, title="Zugewiesen"),
        State.APPROACH_PROPOSED, actor=network.coordinator, group=network.group,
    )
    elsewhere = advance(
        file_challenge(actor=network.other_partner, organisation=network.other_org,
                       title="Anderswo"),
        State.ANALYSED, actor=network.coordinator, group=network.other_group,
    )
    body = sign_in(user).get("/challenges/board/").content.decode()
    board = reverse("challenge-board")
    for challenge in (mine, theirs, assigned, elsewhere):
        challenge = Challenge.objects.get(pk=challenge.pk)
        start = body.index(f'id="card-{challenge.pk}"')
        card = body[start:body.index("</li>\n      \n", start)]
        assert f'data-move="{reverse("challenge-move", args=[challenge.pk, challenge.state])}"' in card
        assert f'<a href="{reverse("challenge-detail", args=[challenge.pk])}">' in card
        offered = re.findall(r'<a href="([^"]+)" data-step="([^"]+)">', card)
        allowed = selectors.allowed_transitions_for(user, challenge)
        assert offered == [
            (f"{reverse('challenge-step', args=[challenge.pk, spec.name])}?next={board}", spec.name)
            for spec in allowed
        ]
    if role == "group_member":  # the comparison is not between empty menus only
        assert {spec.name for spec in selectors.allowed_transitions_for(user, assigned)} == {
            "start_trial"}


# --- filing and editing -----------------------------------------------------------------------


def _challenge_form(network, **overrides):
    return {
        "organisation": network.org.pk,
        "title": "Kinderbetreuung fehlt für Schichtarbeit",
        "description": "Kitas schließen um 16 Uhr, die Schicht endet um 22 Uhr.",
        "topic": topic("family").pk,
        "target_groups": [target_group("families").pk, target_group("employers").pk],
        "region": region("stendal").pk,
        "visibility": "network",
        **overrides,
    }


def test_new_challenge_form_warns_about_personal_data(network, sign_in):
    body = sign_in(network.partner).get("/challenges/new/").content.decode()
    assert "Bitte keine personenbezogenen Daten." in body


def test_a_partner_files_a_challenge(network, sign_in):
    response = sign_in(network.partner).post("/challenges/new/", _challenge_form(network))
    challenge = Challenge.objects.get(title="Kinderbetreuung fehlt für Schichtarbeit")
    assert response.status_code == 302 and response["Location"] == f"/challenges/{challenge.pk}/"
    assert challenge.reporter == network.partner and challenge.state == State.REPORTED
    assert set(challenge.target_groups.values_list("slug", flat=True)) == {"families", "employers"}


def test_filing_without_a_title_is_refused(network, sign_in):
    response = sign_in(network.partner).post("/challenges/new/", _challenge_form(network, title=""))
    assert response.status_code == 400
    assert not Challenge.objects.exists()


def test_a_partner_cannot_file_for_another_organisation(network, sign_in):
    response = sign_in(network.partner).post(
        "/challenges/new/", _challenge_form(network, organisation=network.other_org.pk)
    )
    assert response.status_code == 400  # not among the choices
    assert not Challenge.objects.exists()


def test_a_stakeholder_cannot_file(network, sign_in):
    client = sign_in(network.stakeholder)
    assert client.get("/challenges/new/").status_code == 403
    assert client.post("/challenges/new/", _challenge_form(network)).status_code == 403
    assert not Challenge.objects.exists()


def test_the_reporting_partner_edits_while_reported(network, sign_in, open_challenge):
    form = _challenge_form(network, title="Wohnungssuche scheitert oft")
    form.pop("organisation")
    response = sign_in(network.partner).post(f"/challenges/{open_challenge.pk}/edit/", form)
    assert response.status_code == 302
    open_challenge.refresh_from_db()
    assert open_challenge.title == "Wohnungssuche scheitert oft"


def test_another_partner_may_not_edit(network, sign_in, open_challenge):
    form = _challenge_form(network, title="Übernommen")
    form.pop("organisation")
    client = sign_in(network.other_partner)
    assert client.get(f"/challenges/{open_challenge.pk}/edit/").status_code == 403
    assert client.post(f"/challenges/{open_challenge.pk}/edit/", form).status_code == 403
    open_challenge.refresh_from_db()
    assert open_challenge.title == "Wohnungssuche scheitert"


# --- steps ------------------------------------------------------------------------------------


def test_step_buttons_are_exactly_the_allowed_transitions(network, sign_in, open_challenge):
    def steps(user):
        body = sign_in(user).get(f"/challenges/{open_challenge.pk}/").content.decode()
        return {name for name in ("analyse", "close", "reopen", "propose_approach")
                if f"/step/{name}/" in body}

    assert steps(network.partner) == set()
    assert steps(network.stakeholder) == set()
    assert steps(network.group_member) == {"analyse"}
    assert steps(network.coordinator) == {"analyse", "close"}


def test_a_group_member_analyses_through_the_page(network, sign_in, open_challenge):
    response = sign_in(network.group_member).post(
        f"/challenges/{open_challenge.pk}/step/analyse/",
        {"expected_state": "reported", "working_group": network.group.pk,
         "root_causes": "Vermieter zögern", "affected": "Neu zugezogene Fachkräfte"},
    )
    assert response.status_code == 302
    open_challenge.refresh_from_db()
    assert open_challenge.state == State.ANALYSED
    assert open_challenge.working_group == network.group


def test_the_step_form_loads_as_a_fragment_for_htmx(network, sign_in, open_challenge):
    response = sign_in(network.group_member).get(
        f"/challenges/{open_challenge.pk}/step/analyse/", HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="step-panel"')
    assert 'name="root_causes"' in body and 'name="working_group"' in body


def test_missing_step_input_is_shown_on_the_field(network, sign_in, open_challenge):
    response = sign_in(network.group_member).post(
        f"/challenges/{open_challenge.pk}/step/analyse/",
        {"expected_state": "reported", "working_group": network.group.pk, "root_causes": "",
         "affected": "x"},
    )
    assert response.status_code == 400
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    open_challenge.refresh_from_db()
    assert open_challenge.state == State.REPORTED


def test_a_service_field_error_reaches_the_form(network, sign_in, open_challenge):
    # Closing as "referred" needs the body it is referred to: a rule of the service.
    response = sign_in(network.coordinator).post(
        f"/challenges/{open_challenge.pk}/step/close/",
        {"expected_state": "reported", "reason": "referred"},
    )
    assert response.status_code == 400
    assert "Wählen Sie die Stelle" in response.content.decode()
    open_challenge.refresh_from_db()
    assert open_challenge.state == State.REPORTED


@pytest.mark.parametrize(
    "role,status",
    [
        # The form goes to the service, which answers as the API does.
        ("partner", 403),
        ("stakeholder", 403),
        # Any group may pick an unassigned challenge up, but only for a group of its own.
        ("outsider_member", 400),
    ],
)
def test_a_step_refused_for_the_role_changes_nothing(network, sign_in, open_challenge, role, status):
    response = sign_in(getattr(network, role)).post(
        f"/challenges/{open_challenge.pk}/step/analyse/",
        {"expected_state": "reported", "working_group": network.group.pk,
         "root_causes": "x", "affected": "y"},
    )
    assert response.status_code == status
    open_challenge.refresh_from_db()
    assert open_challenge.state == State.REPORTED


def test_a_step_not_possible_in_this_state_changes_nothing(network, sign_in, open_challenge):
    client = sign_in(network.coordinator)
    response = client.post(
        f"/challenges/{open_challenge.pk}/step/evaluate/",
        {"expected_state": "reported", "outcome": "successful", "evidence": "x",
         "lessons_learned": "y"},
    )
    assert response.status_code == 409
    assert "ist nicht möglich, solange die Herausforderung" in response.content.decode()
    open_challenge.refresh_from_db()
    assert open_challenge.state == State.REPORTED


def test_unknown_step_is_404(network, sign_in, open_challenge):
    assert sign_in(network.coordinator).get(f"/challenges/{open_challenge.pk}/step/fly/").status_code == 404


def test_the_detail_shows_the_whole_timeline(network, sign_in, open_challenge):
    challenge = advance(open_challenge, State.EVALUATED, actor=network.group_member, group=network.group)
    from workflows import services

    services.comment_add(actor=network.partner, challenge=challenge, body="Danke an die AG!")
    body = sign_in(network.partner).get(f"/challenges/{challenge.pk}/").content.decode()
    for text in ("Unterlagen fehlen", "Pflegekräfte", "Lotsenprogramm", "IHK Magdeburg",
                 "Verfahrensdauer halbiert", "Früh beginnen", "Danke an die AG!", "erfolgreich",
                 "gemeldet → analysiert"):
        assert text in body, text
    assert body.count('class="timeline-item') == 6  # filed, four steps, one comment


# --- comment, follow, assign ------------------------------------------------------------------


def test_a_partner_comments(network, sign_in, open_challenge):
    response = sign_in(network.other_partner).post(
        f"/challenges/{open_challenge.pk}/comment/", {"body": "Kennen wir auch."}
    )
    assert response.status_code == 302
    assert Comment.objects.get().author == network.other_partner


def test_a_stakeholder_may_not_comment(network, sign_in, open_challenge):
    client = sign_in(network.stakeholder)
    assert "Kommentar senden" not in client.get(f"/challenges/{open_challenge.pk}/").content.decode()
    response = client.post(f"/challenges/{open_challenge.pk}/comment/", {"body": "Hallo"})
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_an_empty_comment_is_refused(network, sign_in, open_challenge):
    response = sign_in(network.partner).post(f"/challenges/{open_challenge.pk}/comment/", {"body": ""})
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_follow_and_unfollow_with_htmx(network, sign_in, open_challenge):
    client = sign_in(network.stakeholder)
    url = f"/challenges/{open_challenge.pk}/follow/"
    response = client.post(url, {"action": "follow"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'value="unfollow"' in response.content.decode()
    assert Follow.objects.filter(user=network.stakeholder, challenge=open_challenge).exists()
    response = client.post(url, {"action": "unfollow"})
    assert response.status_code == 302
    assert not Follow.objects.filter(user=network.stakeholder, challenge=open_challenge).exists()


def test_a_coordinator_assigns_a_working_group(network, sign_in, open_challenge):
    sign_in(network.coordinator).post(
        f"/challenges/{open_challenge.pk}/assign/", {"working_group": network.group.pk}
    )
    open_challenge.refresh_from_db()
    assert open_challenge.working_group == network.group


def test_a_partner_may_not_assign(network, sign_in, open_challenge):
    response = sign_in(network.partner).post(
        f"/challenges/{open_challenge.pk}/assign/", {"working_group": network.group.pk}, follow=True
    )
    assert "Nur die Koordination weist Arbeitsgruppen zu." in response.content.decode()
    open_challenge.refresh_from_db()
    assert open_challenge.working_group is None
