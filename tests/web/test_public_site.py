"""The public face: the start page, awareness material (pages, upload form, downloads) and
news pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from core.models import Organisation
from network import region_map
from network import services_public as services
from network.models_public import Material, PublicVisibility
from tests.factories import OrganisationFactory, region
from tests.network import files

pytestmark = pytest.mark.django_db


def _material(actor, *, visibility=PublicVisibility.PUBLIC, publish_by=None, **extra):
    material = services.material_upload(
        actor=actor, title=extra.pop("title", "Checkliste Ankommen"), kind=Material.Kind.CHECKLIST,
        licence=Material.Licence.CC_BY_SA, description="Was in den ersten Wochen hilft.",
        visibility=visibility, file=files.upload("liste.pdf", files.PDF), **extra,
    )
    if publish_by is not None:
        material = services.material_publish(actor=publish_by, material=material)
    return material


# --- the start page ---------------------------------------------------------------------------


def test_visitors_get_the_start_page_at_the_root(network, published):
    services.news_create(actor=network.coordinator, title="Jahrestreffen angekündigt", text="Bald.")
    response = Client().get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1" in body and "Willkommensnetz Sachsen-Anhalt" in body
    assert published.title in body  # the latest good practices (registered by notifications)
    assert "Jahrestreffen angekündigt" in body  # the latest news
    assert "Die nächsten Termine folgen." in body or 'id="h-events"' in body
    assert 'href="/apply/"' in body
    # The same page for everyone at /welcome/; signed-in people keep their work at /.
    assert Client().get("/welcome/").status_code == 200


def test_signed_in_people_keep_their_work_page_at_the_root(network, sign_in):
    body = sign_in(network.partner).get("/").content.decode()
    assert 'id="h-partners"' not in body


def test_the_map_draws_every_district_and_city_with_its_count(network):
    OrganisationFactory(name="Landkreis Harz", region=region("harz"))
    OrganisationFactory(name="Stadt Dessau", region=region("dessau-rosslau"))
    slugs = {shape.slug for shape in region_map.shapes()}
    assert len(slugs) == 14 and {"harz", "dessau-rosslau", "halle-saale", "magdeburg"} <= slugs
    body = Client().get("/").content.decode()
    svg = body[body.index("<svg"):body.index("</svg>")]
    assert 'role="group"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count("<polygon") == 14
    assert "Harz: 1 Partnerorganisation" in svg
    assert 'href="#region-harz"' in svg and 'id="region-harz"' in body  # the text table
    harz_row = body[body.index('id="region-harz"'):]
    assert "Landkreis Harz" in harz_row[:400]


def test_the_map_counts_only_admitted_organisations(network):
    OrganisationFactory(name="Wartet noch", region=region("stendal"),
                        status=Organisation.Status.PENDING)
    body = Client().get("/").content.decode()
    assert "Stendal: 0 Partnerorganisationen" in body and "Wartet noch" not in body


def test_the_start_page_requests_nothing_from_another_origin(network, published):
    _material(network.coordinator, publish_by=network.coordinator)
    body = Client().get("/").content.decode()
    external = [
        url for url in re.findall(r"""(?:href|src|action|xlink:href)=["']([^"']+)""", body)
        if re.match(r"^(?:[a-z]+:)?//", url, re.I)
    ]
    assert external == []
    # Not even a url(...) or @import in inline styles.
    assert "url(http" not in body and "@import" not in body


def test_the_start_page_speaks_english(network):
    client = Client()
    client.cookies["django_language"] = "en"
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body and "Who takes part" in body
    assert "The next events will follow." in body


def test_the_start_page_runs_a_fixed_number_of_queries(network, django_assert_num_queries):
    for i in range(12):
        services.news_create(actor=network.coordinator, title=f"Neuigkeit {i}", text="…")
        OrganisationFactory(name=f"Partner {i}", region=region("magdeburg"))
    # Regions, organisations, the latest good practices and their working groups, news, and the
    # next public events (network.selectors_events, present since the events branch joined).
    with django_assert_num_queries(5):
        assert Client().get("/").status_code == 200


# --- material pages ---------------------------------------------------------------------------


def test_material_list_filters_and_hides_what_visitors_may_not_see(network, sign_in):
    public = _material(network.coordinator, publish_by=network.coordinator, title="Offene Liste")
    _material(network.coordinator, publish_by=network.coordinator, title="Interne Liste",
              visibility=PublicVisibility.NETWORK)
    _material(network.partner, title="Wartende Liste")
    body = Client().get("/material/").content.decode()
    assert "Offene Liste" in body and "Interne Liste" not in body and "Wartende Liste" not in body
    member = sign_in(network.stakeholder).get("/material/").content.decode()
    assert "Offene Liste" in member and "Interne Liste" in member and "Wartende Liste" not in member
    assert "Offene Liste" not in Client().get("/material/?kind=guide").content.decode()
    assert "Offene Liste" in Client().get("/material/?kind=checklist&q=offene").content.decode()
    assert Client().get(f"/material/{public.pk}/").status_code == 200


def test_material_list_with_a_bad_filter_is_not_an_error(network):
    assert Client().get("/material/?topic=nope&kind=xyz&page=abc").status_code == 200


def test_material_list_queries_do_not_grow_with_rows(network, django_assert_num_queries):
    def count_for(n):
        for i in range(n):
            _material(network.coordinator, publish_by=network.coordinator, title=f"M{i}")
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert Client().get("/material/").status_code == 200
        return len(captured)

    ten = count_for(10)
    hundred = count_for(90)
    assert ten == hundred
    # Topics and target groups of the filter form, the count, the page of material.
    with django_assert_num_queries(ten):
        Client().get("/material/")


def test_download_is_an_attachment_with_safe_headers(network):
    material = _material(network.coordinator, publish_by=network.coordinator,
                         title='Leitfaden "Ankommen" <für> Betriebe/Ämter')
    response = Client().get(f"/material/{material.pk}/download/")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="leitfaden-ankommen-fur-betriebeamter.pdf"' in disposition
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == files.PDF


def test_invisible_material_is_404_for_page_and_download(network, sign_in):
    network_only = _material(network.coordinator, publish_by=network.coordinator,
                             visibility=PublicVisibility.NETWORK)
    waiting = _material(network.partner)
    for path in (f"/material/{network_only.pk}/", f"/material/{network_only.pk}/download/",
                 f"/material/{waiting.pk}/", f"/material/{waiting.pk}/download/",
                 "/material/99999/", "/material/99999/download/"):
        assert Client().get(path).status_code == 404, path
    assert sign_in(network.stakeholder).get(f"/material/{network_only.pk}/download/").status_code == 200
    assert sign_in(network.other_partner).get(f"/material/{waiting.pk}/download/").status_code == 404
    assert sign_in(network.partner).get(f"/material/{waiting.pk}/download/").status_code == 200


def test_upload_form_refuses_disguised_and_oversized_files_with_form_errors(network, sign_in, settings):
    client = sign_in(network.partner)
    form = {"title": "Flyer", "kind": "flyer", "language": "de", "licence": "cc-by-4.0",
            "description": "Kurz.", "visibility": "public"}
    response = client.post("/material/new/", {**form, "file": files.upload("flyer.pdf", files.HTML)})
    assert response.status_code == 400
    assert "kein PDF" in response.content.decode()
    settings.MATERIAL_MAX_UPLOAD_BYTES = 100
    response = client.post("/material/new/", {**form, "file": files.upload("flyer.pdf", files.PDF * 5)})
    assert response.status_code == 400 and "höchstens" in response.content.decode()
    assert not Material.objects.exists()
    settings.MATERIAL_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    response = client.post("/material/new/", {**form, "file": files.upload("flyer.pdf", files.PDF)})
    assert response.status_code == 302
    material = Material.objects.get()
    assert material.organisation == network.org and material.status == Material.Status.DRAFT


def test_upload_page_is_for_partners_and_coordinators(network, sign_in):
    assert Client().get("/material/new/").status_code == 302  # to the sign-in
    assert sign_in(network.stakeholder).get("/material/new/").status_code == 404
    assert sign_in(network.partner).get("/material/new/").status_code == 200


def test_a_coordinator_publishes_from_the_detail_page(network, sign_in):
    material = _material(network.partner)
    assert sign_in(network.partner).post(f"/material/{material.pk}/publish/").status_code == 404
    response = sign_in(network.coordinator).post(f"/material/{material.pk}/publish/",
                                                 {"action": "publish"})
    assert response.status_code == 302
    material.refresh_from_db()
    assert material.status == Material.Status.PUBLISHED


# --- news pages -------------------------------------------------------------------------------


def test_news_pages_respect_visibility(network, sign_in):
    public = services.news_create(actor=network.coordinator, title="Für alle", text="Text")
    internal = services.news_create(actor=network.coordinator, title="Intern", text="Text",
                                    visibility=PublicVisibility.NETWORK)
    body = Client().get("/news/").content.decode()
    assert "Für alle" in body and "Intern" not in body
    assert Client().get(f"/news/{internal.pk}/").status_code == 404
    assert Client().get(f"/news/{public.pk}/").status_code == 200
    assert "Intern" in sign_in(network.partner).get("/news/").content.decode()


def test_a_coordinator_writes_news_others_may_not(network, sign_in):
    assert sign_in(network.partner).get("/news/new/").status_code == 404
    client = sign_in(network.coordinator)
    assert client.post("/news/new/", {"title": "", "text": "x", "visibility": "public"}).status_code == 400
    response = client.post("/news/new/", {"title": "Neu", "text": "Hallo", "visibility": "public"})
    assert response.status_code == 302
    assert "Neu" in Client().get("/news/").content.decode()
