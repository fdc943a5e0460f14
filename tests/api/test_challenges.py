"""Filing, editing, listing and reading challenges through the API; the lifecycle end to end."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from core.models import Organisation
from tests.builders import file_challenge
from tests.factories import OrganisationFactory, region, target_group, topic
from workflows import services
from workflows.models import Challenge, Follow, State, TransitionLog

from .conftest import challenge_in, client_for, snapshot


def filing_input(network, **overrides):
    data = {
        "organisation": network.org.pk,
        "title": "Wohnungssuche scheitert an Schufa",
        "description": "Neu zugezogene Fachkräfte haben keine Bonitätsauskunft.",
        "topic": topic("housing").pk,
        "target_groups": [target_group().pk],
        "region": region("halle-saale").pk,
        "visibility": "restricted",
    }
    data.update(overrides)
    return data


# --- filing -------------------------------------------------------------------------------------


def test_a_partner_files_a_challenge_which_starts_reported(network):
    response = client_for(network.partner).post(
        "/api/v1/challenges/", filing_input(network), format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    challenge = Challenge.objects.get(pk=body["id"])
    assert challenge.state == body["state"] == State.REPORTED
    assert challenge.reporter == network.partner
    assert challenge.organisation == network.org
    assert challenge.visibility == "restricted"
    assert body["reporter"] == {"id": network.partner.pk, "display_name": "Petra Partner"}
    assert [log.transition for log in challenge.log.all()] == ["file"]
    assert Follow.objects.filter(user=network.partner, challenge=challenge).exists()


def test_filing_ignores_state_reporter_and_working_group_in_the_input(network):
    response = client_for(network.partner).post(
        "/api/v1/challenges/",
        filing_input(
            network,
            state="evaluated",
            reporter=network.coordinator.pk,
            working_group=network.group.pk,
            state_entered_at="2020-01-01T00:00:00Z",
        ),
        format="json",
    )

    assert response.status_code == 201
    challenge = Challenge.objects.get(pk=response.json()["id"])
    assert challenge.state == State.REPORTED
    assert challenge.reporter == network.partner
    assert challenge.working_group is None
    assert challenge.state_entered_at.year >= 2026


def test_a_partner_cannot_file_for_an_organisation_they_do_not_belong_to(network):
    response = client_for(network.partner).post(
        "/api/v1/challenges/", filing_input(network, organisation=network.other_org.pk), format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert "organisation" in response.json()
    assert not Challenge.objects.exists()


def test_nobody_files_for_an_organisation_not_yet_admitted(network):
    pending = OrganisationFactory(status=Organisation.Status.PENDING, admitted_at=None)

    response = client_for(network.coordinator).post(
        "/api/v1/challenges/", filing_input(network, organisation=pending.pk), format="json"
    )

    assert response.status_code == 400
    assert "organisation" in response.json()
    assert not Challenge.objects.exists()


@pytest.mark.parametrize("role, expected", [("stakeholder", 403), ("outsider_member", 403)])
def test_people_without_an_organisation_cannot_file(network, role, expected):
    response = client_for(getattr(network, role)).post(
        "/api/v1/challenges/", filing_input(network), format="json"
    )

    assert response.status_code == expected
    assert response.json()["code"] == "permission_denied"
    assert not Challenge.objects.exists()


def test_anonymous_cannot_file(network):
    response = client_for(None).post("/api/v1/challenges/", filing_input(network), format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert not Challenge.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [("title", ""), ("title", "x" * 201), ("target_groups", []), ("topic", 999_999), ("visibility", "public")],
)
def test_filing_with_invalid_input_is_400_per_field(network, field, value):
    response = client_for(network.partner).post(
        "/api/v1/challenges/", filing_input(network, **{field: value}), format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not Challenge.objects.exists()


def test_malformed_json_is_400(network):
    response = client_for(network.partner).post(
        "/api/v1/challenges/", "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


# --- editing and mass assignment ----------------------------------------------------------------


def test_the_reporting_partner_edits_a_reported_challenge(network):
    challenge = challenge_in(network, State.REPORTED)

    response = client_for(network.partner).patch(
        f"/api/v1/challenges/{challenge.pk}/",
        {"description": "Genauer beschrieben.", "target_groups": [target_group("employers").pk]},
        format="json",
    )

    assert response.status_code == 200
    challenge.refresh_from_db()
    assert challenge.description == "Genauer beschrieben."
    assert response.json()["description"] == "Genauer beschrieben."


MASS_ASSIGNMENT = [
    ("state", "evaluated"),
    ("reporter", "OTHER_USER"),
    ("organisation", "OTHER_ORG"),
    ("working_group", "OTHER_GROUP"),
    ("state_entered_at", "2020-01-01T00:00:00Z"),
    ("closure_reason", "duplicate"),
    ("log", [{"transition": "evaluate", "to_state": "evaluated"}]),
    ("allowed_transitions", ["close"]),
    ("id", 424242),
]


@pytest.mark.parametrize("field, value", MASS_ASSIGNMENT, ids=[f for f, _v in MASS_ASSIGNMENT])
def test_mass_assignment_through_patch_changes_nothing(network, field, value):
    challenge = challenge_in(network, State.ANALYSED)
    value = {
        "OTHER_USER": network.other_partner.pk,
        "OTHER_ORG": network.other_org.pk,
        "OTHER_GROUP": network.other_group.pk,
    }.get(value, value) if isinstance(value, str) else value
    before = snapshot(challenge)

    response = client_for(network.coordinator).patch(
        f"/api/v1/challenges/{challenge.pk}/", {field: value}, format="json"
    )

    assert response.status_code == 200
    assert snapshot(challenge) == before
    assert response.json()["state"] == State.ANALYSED
    assert response.json()["id"] == challenge.pk


def test_mass_assignment_alongside_a_real_edit_only_applies_the_edit(network):
    challenge = challenge_in(network, State.REPORTED)

    response = client_for(network.partner).patch(
        f"/api/v1/challenges/{challenge.pk}/",
        {"title": "Neu", "state": "closed", "organisation": network.other_org.pk},
        format="json",
    )

    assert response.status_code == 200
    challenge.refresh_from_db()
    assert (challenge.title, challenge.state, challenge.organisation) == (
        "Neu",
        State.REPORTED,
        network.org,
    )


def test_log_entries_cannot_be_written_through_the_api(network):
    challenge = challenge_in(network, State.REPORTED)
    client = client_for(network.coordinator)
    count = TransitionLog.objects.count()

    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(
            f"/api/v1/challenges/{challenge.pk}/history/",
            {"transition": "evaluate", "to_state": "evaluated"},
            format="json",
        )
        assert response.status_code == 405, method
        assert response.json()["code"] == "method_not_allowed"
    assert TransitionLog.objects.count() == count


# --- reading ------------------------------------------------------------------------------------


def test_the_detail_shows_the_lifecycle_and_the_callers_allowed_transitions(network):
    challenge = challenge_in(network, State.TRIALLED)

    as_group = client_for(network.group_member).get(f"/api/v1/challenges/{challenge.pk}/").json()
    as_partner = client_for(network.partner).get(f"/api/v1/challenges/{challenge.pk}/").json()

    assert as_group["state"] == State.TRIALLED
    assert as_group["analysis"]["root_causes"] == "Unterlagen fehlen"
    assert [a["title"] for a in as_group["approaches"]] == ["Lotsenprogramm"]
    assert as_group["trials"][0]["status"] == "running"
    assert as_group["trials"][0]["evaluation"] is None
    assert as_group["working_group"]["id"] == network.group.pk
    assert sorted(as_group["allowed_transitions"]) == ["evaluate", "revise_approach"]
    assert as_partner["allowed_transitions"] == []


def test_transitions_list_names_target_state_and_input_fields(network):
    challenge = challenge_in(network, State.ANALYSED)

    response = client_for(network.coordinator).get(f"/api/v1/challenges/{challenge.pk}/transitions/")

    by_name = {t["name"]: t for t in response.json()}
    assert set(by_name) == {"propose_approach", "close"}
    assert by_name["close"]["target"] == "closed"
    reason = next(f for f in by_name["close"]["fields"] if f["name"] == "reason")
    assert reason["required"] is True
    assert {c["value"] for c in reason["choices"]} == {"duplicate", "out_of_scope", "referred"}


def _file_many(network, n, **kwargs):
    return [
        file_challenge(actor=network.partner, organisation=network.org, title=f"Fall {i}", **kwargs)
        for i in range(n)
    ]


def test_filters(network):
    housing = file_challenge(
        actor=network.partner,
        organisation=network.org,
        title="Wohnung",
        topic=topic("housing"),
        description="Ohne Schufa-Auskunft keine Mietwohnung.",
    )
    analysed = challenge_in(network, State.ANALYSED, title="Analysiert")
    other = file_challenge(
        actor=network.other_partner,
        organisation=network.other_org,
        title="Halle",
        region=region("halle-saale"),
        visibility="network",
    )
    restricted = file_challenge(
        actor=network.partner, organisation=network.org, title="Intern", visibility="restricted"
    )
    client = client_for(network.coordinator)

    def ids(query):
        response = client.get(f"/api/v1/challenges/?{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids("state=analysed") == {analysed.pk}
    assert ids(f"topic={topic('housing').pk}") == {housing.pk}
    assert ids(f"region={region('halle-saale').pk}") == {other.pk}
    assert ids(f"working_group={network.group.pk}") == {analysed.pk}
    assert ids(f"organisation={network.other_org.pk}") == {other.pk}
    assert ids("visibility=restricted") == {restricted.pk}
    assert ids("search=WOHNUNG") == {housing.pk}
    assert ids("search=schufa") == {housing.pk}  # found in the description
    assert ids("search=neun Monate") == {analysed.pk, other.pk, restricted.pk}
    assert client.get("/api/v1/challenges/?state=bogus").status_code == 400
    assert client.get("/api/v1/challenges/?topic=999999").status_code == 400


def test_followed_filter(network):
    mine, theirs = _file_many(network, 2)
    services.challenge_follow(actor=network.stakeholder, challenge=theirs)

    response = client_for(network.stakeholder).get("/api/v1/challenges/?followed=true")

    assert [row["id"] for row in response.json()["results"]] == [theirs.pk]


def test_stale_filter(network):
    with time_machine.travel(datetime.datetime(2026, 1, 1, 9, tzinfo=datetime.UTC)):
        old = file_challenge(actor=network.partner, organisation=network.org, title="Alt")
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)):
        fresh = file_challenge(actor=network.partner, organisation=network.org, title="Neu")
        client = client_for(network.coordinator)
        stale = client.get("/api/v1/challenges/?stale=true").json()["results"]
        not_stale = client.get("/api/v1/challenges/?stale=false").json()["results"]

    assert [row["id"] for row in stale] == [old.pk]
    assert [row["id"] for row in not_stale] == [fresh.pk]


def test_ordering_and_pagination(network):
    challenges = _file_many(network, 5)
    client = client_for(network.coordinator)

    default = client.get("/api/v1/challenges/?page_size=2").json()
    by_title = client.get("/api/v1/challenges/?ordering=title&page_size=2&page=2").json()

    assert default["count"] == 5
    assert [row["id"] for row in default["results"]] == [challenges[4].pk, challenges[3].pk]
    assert default["next"] is not None
    assert [row["title"] for row in by_title["results"]] == ["Fall 2", "Fall 3"]
    assert client.get("/api/v1/challenges/?page=99").status_code == 404


def test_page_size_defaults_to_50_and_is_at_most_200(network):
    with_many = _file_many(network, 51)
    client = client_for(network.coordinator)

    assert len(client.get("/api/v1/challenges/").json()["results"]) == 50
    assert len(client.get("/api/v1/challenges/?page_size=200").json()["results"]) == len(with_many)
    for nonsense in ("201", "0", "-1", "abc", "1.5", "", "10&page_size=20"):
        response = client.get(f"/api/v1/challenges/?page_size={nonsense}")
        assert response.status_code == 400, nonsense
        assert "page_size" in response.json()
    assert client.get("/api/v1/challenges/?page=abc").status_code == 400


# --- the whole lifecycle through the API alone --------------------------------------------------


def test_full_lifecycle_through_the_api(network):
    partner = client_for(network.partner)
    group = client_for(network.group_member)

    filed = partner.post("/api/v1/challenges/", filing_input(network, visibility="network"), format="json")
    assert filed.status_code == 201
    pk = filed.json()["id"]

    def step(name, data):
        state = group.get(f"/api/v1/challenges/{pk}/").json()["state"]
        response = group.post(
            f"/api/v1/challenges/{pk}/transitions/{name}/",
            {"expected_state": state, **data},
            format="json",
        )
        assert response.status_code == 200, (name, response.content)
        return response.json()

    step("analyse", {"working_group": network.group.pk, "root_causes": "Schufa", "affected": "Zugezogene"})
    body = step(
        "propose_approach",
        {
            "approaches": [
                {"title": "Mietbürgschaft", "description": "Arbeitgeber bürgt"},
                {"title": "Wohnungspool", "description": "Kommune hält Wohnungen vor", "selected": True},
            ],
        },
    )
    assert [a["selected"] for a in body["approaches"]] == [False, True]
    step("start_trial", {"start": "2026-02-01", "planned_end": "2026-05-31", "partners": [network.org.pk, network.other_org.pk]})
    body = step("evaluate", {"outcome": "successful", "evidence": "12 Wohnungen", "lessons_learned": "Früh anfragen"})

    assert body["state"] == State.EVALUATED
    assert body["trials"][0]["evaluation"]["outcome"] == "successful"
    assert sorted(body["allowed_transitions"]) == []
    comment = partner.post(f"/api/v1/challenges/{pk}/comments/", {"body": "Danke!"}, format="json")
    assert comment.status_code == 201

    history = partner.get(f"/api/v1/challenges/{pk}/history/").json()
    assert [(h["transition"], h["from_state"], h["to_state"]) for h in history] == [
        ("file", "", "reported"),
        ("analyse", "reported", "analysed"),
        ("propose_approach", "analysed", "approach_proposed"),
        ("start_trial", "approach_proposed", "trialled"),
        ("evaluate", "trialled", "evaluated"),
    ]
    assert [h["actor"]["id"] for h in history] == [network.partner.pk] + [network.group_member.pk] * 4
    comments = partner.get(f"/api/v1/challenges/{pk}/comments/").json()["results"]
    assert [c["body"] for c in comments] == ["Danke!"]
    # A successful evaluation feeds a (draft) good-practice record: visible to the group and
    # coordinators, not yet to the public.
    assert client_for(None).get("/api/v1/good-practices/").json()["count"] == 0
    assert client_for(network.coordinator).get("/api/v1/good-practices/").json()["count"] == 1


@pytest.mark.parametrize(
    "field, value",
    [("title", 123), ("topic", "1"), ("target_groups", ["1"]), ("visibility", True), ("region", True)],
)
def test_input_of_the_wrong_json_type_is_refused_not_coerced(network, field, value):
    response = client_for(network.partner).post(
        "/api/v1/challenges/", filing_input(network, **{field: value}), format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not Challenge.objects.exists()


@pytest.mark.parametrize("value", ["yes", "1", "True"])
def test_boolean_filters_refuse_anything_but_true_and_false(network, value):
    response = client_for(network.partner).get(f"/api/v1/challenges/?stale={value}")

    assert response.status_code == 400
    assert "stale" in response.json()


@pytest.mark.parametrize("query", ["state=", "state=reported&state=analysed", "search=a&search=b"])
def test_empty_or_repeated_filter_parameters_are_refused(network, query):
    response = client_for(network.partner).get(f"/api/v1/challenges/?{query}")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
