"""On paper every page people hand out names the network, the day and its own address: a
target group's recommendations, a good-practice record and a challenge's summary (issue 15)."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client
from django.utils import timezone

from tests.factories import target_group


def _masthead(body: str) -> str:
    match = re.search(r'<p class="print-masthead[^"]*"[^>]*>(.*?)</p>', body, re.DOTALL)
    assert match, "no print masthead"
    return match.group(1)


def _assert_names_network_day_and_address(body: str, path: str) -> None:
    masthead = _masthead(body)
    assert "Willkommensnetz Sachsen-Anhalt" in masthead
    assert timezone.localdate().strftime("%d.%m.%Y") in masthead
    assert f"http://testserver{path}" in masthead


def test_a_target_groups_recommendations_print_with_network_day_and_address(network, published):
    path = f"/recommendations/{target_group().slug}/"
    _assert_names_network_day_and_address(Client().get(path).content.decode(), path)


def test_a_good_practice_prints_with_network_day_and_address(network, published):
    path = f"/good-practices/{published.slug}/"
    _assert_names_network_day_and_address(Client().get(path).content.decode(), path)


def test_a_challenge_summary_prints_with_network_day_and_address(network, sign_in, evaluated):
    path = f"/challenges/{evaluated.pk}/"
    _assert_names_network_day_and_address(sign_in(network.partner).get(path).content.decode(), path)


def test_the_print_stylesheet_shows_the_masthead_and_hides_the_site_around_it():
    css = (Path(__file__).resolve().parents[2] / "static/css/print.css").read_text()
    assert ".print-only { display: block !important; }" in css
    assert ".site-header, .site-footer" in css
