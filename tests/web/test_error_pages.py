"""The error pages a person meets are the site's own, in their language, with a way back:
400, 403, 404, 500 and the CSRF failure (Django's bare English pages never show, DEBUG is off)."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client
from django.urls import path

import core.urls


def _forbidden(request):
    raise PermissionDenied


def _bad(request):
    raise SuspiciousOperation("tampered")


def _broken(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("test-errors/403/", _forbidden),
    path("test-errors/400/", _bad),
    path("test-errors/500/", _broken),
    *core.urls.urlpatterns,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _page(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert 'class="site-header"' in html and 'class="site-footer"' in html  # the site's layout
    assert "Django" not in html and "Traceback" not in html
    return html


def test_not_found_is_the_sites_page_in_german_with_ways_back():
    html = _page(Client(), "/no-such-page/", 404)
    assert '<html lang="de">' in html
    assert "Seite nicht gefunden" in html
    assert 'href="/sign-in/"' in html  # anonymous: a way in
    assert 'href="/good-practices/"' in html


def test_not_found_in_english_for_a_signed_in_person(network):
    network.partner.preferred_language = "en"  # signed in: the person's own language
    network.partner.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(network.partner)
    html = _page(client, "/no-such-page/", 404)
    assert '<html lang="en">' in html
    assert "Page not found" in html
    assert "Go to my work" in html


def test_forbidden_and_bad_request(network):
    client = Client()
    client.force_login(network.partner)
    assert "Kein Zugriff" in _page(client, "/test-errors/403/", 403)
    assert "Ungültige Anfrage" in _page(client, "/test-errors/400/", 400)


def test_server_error_renders_without_the_request():
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "en"
    html = _page(client, "/test-errors/500/", 500)
    assert "Something went wrong on our side" in html
    assert "boom" not in html  # nothing of the error leaks to the person


def test_csrf_failure_explains_what_to_do(network):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/sign-in/", {"username": network.partner.email, "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Das Formular ist abgelaufen" in html
    assert 'class="site-header"' in html
