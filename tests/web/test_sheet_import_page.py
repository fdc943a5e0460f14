"""The import page: upload, preview with per-row errors, import all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Organisation
from workflows.models import Challenge

pytestmark = pytest.mark.django_db

GOOD = (
    "title;description;organisation;topic;target_groups;region\n"
    "Wartezeiten;Verfahren dauern lange;IHK Magdeburg;recognition;employers;magdeburg\n"
)


def _upload(client, text, kind="challenges", name="liste.csv"):
    return client.post("/import/", {
        "kind": kind, "file": SimpleUploadedFile(name, text.encode(), content_type="text/csv"),
    })


def test_preview_then_import(network, sign_in):
    Organisation.objects.filter(pk=network.org.pk).update(status="admitted")
    coordinator = sign_in(network.coordinator)
    preview = _upload(coordinator, GOOD)
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Wartezeiten" in body and 'name="payload"' in body
    assert Challenge.objects.count() == 0
    done = coordinator.post("/import/", {"payload": preview.context["payload"]})
    assert done.status_code == 302
    assert Challenge.objects.get().title == "Wartezeiten"


def test_errors_per_row_and_no_import_button(network, sign_in):
    coordinator = sign_in(network.coordinator)
    response = _upload(coordinator, GOOD + "Ohne;;Niemand;x;y;z\n")
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count('class="row-invalid"') == 1 and body.count('class="row-ok"') == 1
    assert 'name="payload"' not in body
    assert Challenge.objects.count() == 0


def test_a_tampered_payload_is_refused(network, sign_in):
    response = sign_in(network.coordinator).post("/import/", {"payload": "x:y:z"}, follow=True)
    assert "abgelaufen" in response.content.decode()
    assert Challenge.objects.count() == 0


def test_only_coordinators(network, sign_in):
    assert sign_in(network.partner).get("/import/").status_code == 404
    assert sign_in(network.coordinator).get("/import/").status_code == 200
