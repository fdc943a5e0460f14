"""Awareness material: who may upload, publish and see it; what a file may be."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from core.exceptions import MissingInput, NotFound, PermissionDenied
from network import selectors_public as selectors
from network import services_public as services
from network import uploads
from network.models_public import Material, PublicVisibility

from . import files

pytestmark = pytest.mark.django_db


def _upload(actor, *, name="leitfaden.pdf", content=files.PDF, **extra):
    fields = dict(
        title="Leitfaden Willkommenskultur", kind=Material.Kind.GUIDE,
        licence=Material.Licence.CC_BY, description="Ein kurzer Leitfaden.",
    )
    fields.update(extra)
    return services.material_upload(actor=actor, file=files.upload(name, content), **fields)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.pdf", files.PDF, uploads.PDF),
        ("a.PNG", files.PNG, uploads.PNG),
        ("a.jpeg", files.JPEG, uploads.JPEG),
        ("a.docx", files.docx(), uploads.DOCX),
        ("a.odt", files.odt(), uploads.ODT),
    ],
)
def test_allowed_types_are_recognised_by_their_content(name, content, expected):
    assert uploads.validate_material_file(files.upload(name, content)) == expected


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("page.pdf", files.HTML, "content"),  # HTML disguised as PDF
        ("picture.png", files.PDF, "content"),  # the extension lies about the content
        ("slides.pptx", files.docx(), "content"),  # a Word file named as slides
        ("text.odt", b"PK\x03\x04not really a zip", "content"),
        ("page.html", files.HTML, "type"),
        ("script.exe", b"MZ\x90\x00", "type"),
        ("noextension", files.PDF, "type"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_wrong_content_or_type_is_refused(name, content, code):
    with pytest.raises(ValidationError) as caught:
        uploads.validate_material_file(files.upload(name, content))
    assert caught.value.code == code


def test_an_oversized_file_is_refused_with_the_limit_named(settings):
    settings.MATERIAL_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as caught:
        uploads.validate_material_file(files.upload("big.pdf", files.PDF + b"0" * 2000))
    assert caught.value.code == "too_large"
    assert "1,0" in " ".join(caught.value.messages) or "1.0" in " ".join(caught.value.messages)


def test_a_partner_uploads_for_their_organisation_and_it_waits(network):
    material = _upload(network.partner)
    assert material.status == Material.Status.DRAFT
    assert material.organisation == network.org and material.uploaded_by == network.partner
    assert material.content_type == "application/pdf" and material.extension == "pdf"
    # Stored under a random name, never the uploader's.
    assert material.file.name.startswith("material/") and "leitfaden" not in material.file.name
    # Waiting material: the uploader's organisation and coordinators see it, nobody else.
    assert selectors.materials_visible_to(network.partner).filter(pk=material.pk).exists()
    assert selectors.materials_visible_to(network.coordinator).filter(pk=material.pk).exists()
    for other in (network.other_partner, network.stakeholder, AnonymousUser()):
        with pytest.raises(NotFound):
            selectors.material_detail_for(other, material.pk)


def test_a_partner_cannot_upload_for_another_organisation(network):
    with pytest.raises(MissingInput) as caught:
        _upload(network.partner, organisation=network.other_org)
    assert "organisation" in caught.value.fields


def test_who_may_not_upload(network):
    for actor in (network.stakeholder, network.outsider_member, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            _upload(actor)


def test_the_service_refuses_a_disguised_file_as_a_field_error(network):
    with pytest.raises(MissingInput) as caught:
        _upload(network.partner, name="flyer.pdf", content=files.HTML)
    assert "file" in caught.value.fields
    assert not Material.objects.exists()


def test_only_coordinators_publish(network):
    material = _upload(network.partner)
    with pytest.raises(PermissionDenied):
        services.material_publish(actor=network.partner, material=material)
    published = services.material_publish(actor=network.coordinator, material=material)
    assert published.status == Material.Status.PUBLISHED and published.published_at
    assert selectors.material_detail_for(AnonymousUser(), material.pk) == material
    services.material_withdraw(actor=network.coordinator, material=material)
    with pytest.raises(NotFound):
        selectors.material_detail_for(AnonymousUser(), material.pk)


def test_network_only_material_is_hidden_from_visitors(network):
    material = _upload(network.coordinator, visibility=PublicVisibility.NETWORK)
    services.material_publish(actor=network.coordinator, material=material)
    with pytest.raises(NotFound):
        selectors.material_detail_for(AnonymousUser(), material.pk)
    for reader in (network.other_partner, network.stakeholder, network.outsider_member):
        assert selectors.material_detail_for(reader, material.pk) == material
