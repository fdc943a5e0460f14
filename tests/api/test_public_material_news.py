"""Awareness material and news in the API: the pages' visibility, 404 for what the caller may
not see, clear 400s for bad filters, and a fixed number of queries per list."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from network import services_public as services
from network.models_public import Material, PublicVisibility
from tests.factories import topic
from tests.network import files

pytestmark = pytest.mark.django_db


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _material(network, *, title="Leitfaden", visibility=PublicVisibility.PUBLIC, publish=True, **extra):
    material = services.material_upload(
        actor=network.partner, title=title, kind=Material.Kind.GUIDE,
        licence=Material.Licence.CC_BY, description="Kurz.", visibility=visibility,
        file=files.upload("x.pdf", files.PDF), **extra,
    )
    if publish:
        material = services.material_publish(actor=network.coordinator, material=material)
    return material


def test_visitors_see_published_public_material_only(network):
    public = _material(network, title="Öffentlich", topic=topic("language"))
    internal = _material(network, title="Intern", visibility=PublicVisibility.NETWORK)
    waiting = _material(network, title="Wartet", publish=False)
    body = _client().get("/api/v1/materials/").json()
    assert [row["title"] for row in body["results"]] == ["Öffentlich"]
    row = body["results"][0]
    assert row["download_url"] == f"/material/{public.pk}/download/"
    assert row["licence"] == "cc-by-4.0" and row["topic"]["slug"] == "language"
    assert _client().get(f"/api/v1/materials/{internal.pk}/").status_code == 404
    assert _client().get(f"/api/v1/materials/{waiting.pk}/").status_code == 404
    assert _client().get("/api/v1/materials/abc/").status_code == 404
    # A stakeholder reads network material; the uploader's organisation its waiting one too.
    titles = {r["title"] for r in _client(network.stakeholder).get("/api/v1/materials/").json()["results"]}
    assert titles == {"Öffentlich", "Intern"}
    assert _client(network.partner).get(f"/api/v1/materials/{waiting.pk}/").status_code == 200


def test_material_filters_and_bad_filters(network):
    _material(network, title="Sprache", topic=topic("language"))
    _material(network, title="Wohnen", topic=topic("housing"))
    rows = _client().get(f"/api/v1/materials/?topic={topic('housing').pk}").json()["results"]
    assert [r["title"] for r in rows] == ["Wohnen"]
    for bad in ("kind=nonsense", "topic=999999", "kind=", "kind=guide&kind=flyer", "page_size=500"):
        response = _client().get(f"/api/v1/materials/?{bad}")
        assert response.status_code == 400, bad


def test_news_visibility_and_schedule(network):
    import datetime

    from django.utils import timezone

    services.news_create(actor=network.coordinator, title="Für alle", text="a")
    internal = services.news_create(actor=network.coordinator, title="Intern", text="b",
                                    visibility=PublicVisibility.NETWORK)
    services.news_create(actor=network.coordinator, title="Später", text="c",
                         published_at=timezone.now() + datetime.timedelta(days=2))
    assert [r["title"] for r in _client().get("/api/v1/news/").json()["results"]] == ["Für alle"]
    partner = [r["title"] for r in _client(network.partner).get("/api/v1/news/").json()["results"]]
    assert partner == ["Intern", "Für alle"] or set(partner) == {"Intern", "Für alle"}
    assert _client().get(f"/api/v1/news/{internal.pk}/").status_code == 404
    assert _client(network.partner).get(f"/api/v1/news/{internal.pk}/").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/materials/", "/api/v1/news/"])
def test_lists_run_the_same_queries_for_10_and_100_rows(network, path, django_assert_num_queries):
    def fill(n):
        for i in range(n):
            if "materials" in path:
                _material(network, title=f"M{i}", topic=topic("language"))
            else:
                services.news_create(actor=network.coordinator, title=f"N{i}", text="x")

    fill(10)
    # The count and the page (material: topic, target group and organisation joined).
    with django_assert_num_queries(2):
        assert _client().get(path).status_code == 200
    fill(90)
    with django_assert_num_queries(2):
        assert len(_client().get(path).json()["results"]) == 50
