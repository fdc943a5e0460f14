"""The open-data feed (JSON and CSV, CC BY 4.0) and the import of another network's feed."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from core.exceptions import MissingInput
from tests.builders import advance, file_challenge
from tests.factories import target_group
from workflows import open_data, services
from workflows import recommendations as recommendation_service
from workflows.models import GoodPractice, State

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(network):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    advance(challenge, State.EVALUATED, actor=network.group_member, group=network.group)
    record = services.good_practice_publish(
        actor=network.coordinator, good_practice=GoodPractice.objects.get()
    )
    recommendation = recommendation_service.recommendation_create(
        actor=network.coordinator, title="Lotsen einsetzen", text="Setzen Sie Lotsen ein.",
        target_group=target_group(), good_practices=[record],
    )
    recommendation_service.recommendation_publish(
        actor=network.coordinator, recommendation=recommendation
    )
    return record


def test_json_feed_is_public_licensed_and_versioned(network, published, settings):
    # A draft stays out of the feed.
    other = file_challenge(actor=network.partner, organisation=network.org, title="Anders")
    advance(other, State.EVALUATED, actor=network.group_member, group=network.group,
            approach="Wohnungsbörse für Fachkräfte")
    response = Client().get("/open-data/good-practices.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert 'rel="license"' in response["Link"]
    body = response.json()
    assert body["schema_version"] == "1.0"
    assert body["licence"]["id"] == "CC-BY-4.0"
    assert body["licence"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert [r["title"] for r in body["good_practices"]] == ["Lotsenprogramm"]
    record = body["good_practices"][0]
    assert record["uri"] == f"{settings.SITE_URL}/good-practices/{published.slug}/"
    assert record["target_groups"] == [{"slug": "employers", "name": "Arbeitgeber"}]
    assert record["trials"]["count"] == 1 and record["evidence"] == "Verfahrensdauer halbiert"
    assert body["recommendations"][0]["good_practices"] == [record["uri"]]


def test_the_uri_survives_an_edit_of_the_title(network, published):
    before = Client().get("/open-data/good-practices.json").json()["good_practices"][0]["uri"]
    from workflows import editorial

    editorial.good_practice_edit(
        actor=network.coordinator, good_practice=published, data={"title": "Neuer Titel"}
    )
    after = Client().get("/open-data/good-practices.json").json()["good_practices"][0]
    assert after["uri"] == before and after["title"] == "Neuer Titel"


def test_csv_feed(network, published):
    response = Client().get("/open-data/good-practices.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["title"] == "Lotsenprogramm" and rows[0]["schema_version"] == "1.0"
    assert "CC BY 4.0" in rows[0]["licence"]
    assert rows[0]["target_groups"] == "Arbeitgeber"


def test_feed_query_count_does_not_grow(network, published, django_assert_num_queries):
    # records, their regions, target groups, topics, partners; recommendations with their
    # target groups, their records
    with django_assert_num_queries(7):
        Client().get("/open-data/good-practices.json")


def _feed(**record):
    item = {
        "uri": "https://andere.example/good-practices/mentoring/",
        "title": "Mentoring für Neuankommende",
        "approach": "Ehrenamtliche begleiten",
        "target_groups": [{"slug": "employers", "name": "Employers"}, {"slug": "unknown"}],
        "partners": ["Stadt Dessau"],
        "resources": {"cost": "gering"},
        **record,
    }
    return {
        "schema_version": "1.2",
        "publisher": {"name": "Netzwerk Thüringen", "url": "https://andere.example"},
        "licence": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
        "good_practices": [item],
    }


def test_import_creates_then_updates(network):
    result = open_data.good_practices_import(data=_feed(), source_url="https://andere.example/f.json")
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    record = GoodPractice.objects.get()
    assert record.status == "draft"
    assert record.source_name == "Netzwerk Thüringen"
    assert record.source_url == "https://andere.example/good-practices/mentoring/"
    assert "CC BY 4.0" in record.licence
    assert list(record.target_groups.values_list("slug", flat=True)) == ["employers"]
    assert "Stadt Dessau" in record.context and record.resources_cost == "gering"
    # Again: nothing new; a changed text updates the same record and versions it.
    again = open_data.good_practices_import(data=_feed(), source_url="x")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    changed = open_data.good_practices_import(data=_feed(evidence="Zwölf Paare"), source_url="x")
    assert (changed.created, changed.updated) == (0, 1)
    record.refresh_from_db()
    assert GoodPractice.objects.count() == 1 and record.evidence == "Zwölf Paare"
    assert [v.kind for v in record.versions.order_by("number")] == ["imported", "imported"]


def test_the_source_and_licence_show_on_the_imported_record(network):
    open_data.good_practices_import(data=_feed(), source_url="x")
    record = GoodPractice.objects.get()
    coordinator = Client()
    coordinator.force_login(network.coordinator)
    page = coordinator.get(f"/good-practices/{record.slug}/").content.decode()
    assert "Importiert aus" in page and "Netzwerk Thüringen" in page and "CC BY 4.0" in page


def test_a_bad_feed_imports_nothing(network, tmp_path):
    data = _feed()
    data["good_practices"].append({"title": "ohne uri"})
    with pytest.raises(MissingInput):
        open_data.good_practices_import(data=data)
    assert GoodPractice.objects.count() == 0
    path = tmp_path / "feed.json"
    path.write_text(json.dumps({"schema_version": "2.0", "good_practices": []}))
    with pytest.raises(CommandError):
        call_command("import_good_practices", str(path))
    with pytest.raises(CommandError):
        call_command("import_good_practices", str(tmp_path / "missing.json"))


def test_the_command_imports_a_file(network, tmp_path):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(_feed()), encoding="utf-8")
    out = io.StringIO()
    call_command("import_good_practices", str(path), stdout=out)
    assert "1 created" in out.getvalue()
    call_command("import_good_practices", str(path), stdout=out)
    assert GoodPractice.objects.count() == 1
