"""The statistics page over a time window: the form, every chart with its table, and a CSV
download of every table."""

import csv
import io

import pytest

from tests.api.test_stats_window import WINDOW, at, history  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

TABLES = (
    "cumulative_flow", "cycle_time", "waiting_time", "throughput",
    "topic", "region", "organisation", "target_group",
)


def test_the_page_takes_a_window_and_links_a_csv_per_table(network, sign_in, history):  # noqa: F811
    with at(26):
        response = sign_in(network.coordinator).get("/statistics/", WINDOW)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="2026-02-01"' in body and 'value="2026-02-28"' in body
    assert "3 gemeldet, 1 abgeschlossen" in body
    for table in TABLES:
        assert f"/statistics/csv/{table}/?from=2026-02-01&amp;to=2026-02-28" in body
    assert body.count("<table") == len(TABLES)  # every chart has its data table
    assert "Stadt Halle" in body and "Familien" in body


def test_a_bad_window_is_a_clear_400(network, sign_in):
    response = sign_in(network.coordinator).get(
        "/statistics/", {"from": "2026-03-01", "to": "2026-02-01"}
    )
    assert response.status_code == 400
    assert "„Von“ darf nicht nach „Bis“ liegen." in response.content.decode()
    csv_response = sign_in(network.coordinator).get(
        "/statistics/csv/topic/", {"from": "kaputt"}
    )
    assert csv_response.status_code == 400


def test_csv_of_a_table(network, sign_in, history):  # noqa: F811
    with at(26):
        response = sign_in(network.coordinator).get("/statistics/csv/cycle_time/", WINDOW)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Stand", "Abgeschlossene Aufenthalte", "Median", "80. Perzentil"]
    assert rows[1] == ["gemeldet", "3", "4.0", "7.6"]
    flow = sign_in(network.coordinator).get("/statistics/csv/cumulative_flow/", WINDOW)
    flow_rows = list(csv.reader(io.StringIO(flow.content.decode("utf-8-sig"))))
    assert [r[0] for r in flow_rows[1:]] == ["2026-02-07", "2026-02-14", "2026-02-21", "2026-02-28"]
    assert sign_in(network.coordinator).get("/statistics/csv/nothing/").status_code == 404


def test_the_page_needs_a_signed_in_person(db):
    from django.test import Client

    assert Client().get("/statistics/csv/topic/").status_code == 302
