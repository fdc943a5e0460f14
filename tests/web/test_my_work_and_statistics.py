"""My work (what needs me now) and the statistics page with its figures."""

import datetime
import re

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from tests.builders import advance, file_challenge
from workflows import services, stats_web, stats_window
from workflows.models import State

pytestmark = pytest.mark.django_db


def _section(body: str, heading_id: str) -> str:
    start = body.index(f'id="{heading_id}"')
    end = body.find("</section>", start)
    return body[start:end]


def test_anonymous_home_is_the_public_start_page(db):
    # Issue 13: visitors get the network's public start page at /, signed-in people their work.
    response = Client().get("/")
    assert response.status_code == 200 and 'id="h-partners"' in response.content.decode()


def test_group_members_see_what_waits_on_their_groups(network, sign_in):
    ours = file_challenge(actor=network.partner, organisation=network.org, title="Unsere Aufgabe")
    advance(ours, State.ANALYSED, actor=network.group_member, group=network.group)
    theirs = file_challenge(actor=network.partner, organisation=network.org, title="Andere Aufgabe")
    advance(theirs, State.ANALYSED, actor=network.outsider_member, group=network.other_group)
    body = sign_in(network.group_member).get("/").content.decode()
    waiting = _section(body, "h-waiting")
    assert "Unsere Aufgabe" in waiting and "Andere Aufgabe" not in waiting


def test_coordinators_see_new_challenges_to_triage_and_stale_ones(network, sign_in):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=40)):
        old = file_challenge(actor=network.partner, organisation=network.org, title="Lange liegen geblieben")
    file_challenge(actor=network.partner, organisation=network.org, title="Frisch gemeldet")
    body = sign_in(network.coordinator).get("/").content.decode()
    assert "Frisch gemeldet" in _section(body, "h-triage")
    stale = _section(body, "h-stale")
    assert old.title in stale and "Frisch gemeldet" not in stale


def test_partners_see_only_their_own_stale_challenges(network, sign_in):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=40)):
        file_challenge(actor=network.partner, organisation=network.org, title="Unsere alte Sache")
        file_challenge(actor=network.other_partner, organisation=network.other_org, title="Fremde alte Sache")
    stale = _section(sign_in(network.partner).get("/").content.decode(), "h-stale")
    assert "Unsere alte Sache" in stale and "Fremde alte Sache" not in stale


def test_followed_challenges_and_activity(network, sign_in):
    followed = file_challenge(actor=network.other_partner, organisation=network.other_org, title="Gefolgt")
    services.challenge_follow(actor=network.stakeholder, challenge=followed)
    hidden = file_challenge(
        actor=network.partner, organisation=network.org, visibility="restricted", title="Nur intern"
    )
    body = sign_in(network.stakeholder).get("/").content.decode()
    assert "Gefolgt" in _section(body, "h-followed")
    activity = _section(body, "h-activity")
    assert "Gefolgt" in activity
    assert hidden.title not in body  # restricted: not even in the activity


def test_followed_shows_the_most_recently_changed_ones_the_person_still_sees(network):
    """The newest ``size`` followed challenges by their last change, newest first; one the
    person can no longer see (restricted, and she left the organisation) is not among them."""
    from core.models import Membership
    from tests.factories import member_of
    from workflows import permissions, selectors

    titles = [f"Gefolgt {n}" for n in range(5)]
    challenges = []
    for n, title in enumerate(titles):
        with time_machine.travel(timezone.now() - datetime.timedelta(days=10 - n)):
            challenge = file_challenge(actor=network.partner, organisation=network.org,
                                       title=title, visibility="restricted" if n == 4 else "network")
            services.challenge_follow(actor=network.partner, challenge=challenge)
            challenges.append(challenge)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=1)):  # changed last
        advance(challenges[0], State.ANALYSED, actor=network.coordinator, group=network.group)
    assert [c.title for c in selectors.my_work_for(network.partner, size=3).followed] == [
        "Gefolgt 0", "Gefolgt 4", "Gefolgt 3"]
    Membership.objects.filter(user=network.partner).delete()  # she moved to another partner
    member_of(network.partner, network.other_org)
    permissions.forget_roles(network.partner)
    assert [c.title for c in selectors.my_work_for(network.partner, size=3).followed] == [
        "Gefolgt 0", "Gefolgt 3", "Gefolgt 2"]


def test_statistics_page_draws_svg_charts(network, sign_in, evaluated):
    response = sign_in(network.stakeholder).get("/statistics/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<polygon") == 6  # one area per state
    assert '<rect class="bar"' in body
    assert "Anerkennung ausländischer Berufsabschlüsse" in body and "Magdeburg" in body
    assert "<script" not in body.split("</head>")[1]  # no inline script: CSP


def test_statistics_only_count_what_the_person_sees(network, sign_in):
    file_challenge(actor=network.partner, organisation=network.org, visibility="restricted")
    file_challenge(actor=network.partner, organisation=network.org)
    own = sign_in(network.partner).get("/statistics/").content.decode()
    other = sign_in(network.other_partner).get("/statistics/").content.decode()
    assert "2 für Sie sichtbare" in own and "1 für Sie sichtbare" in other


def test_statistics_show_the_median_days_per_state(network, sign_in):
    start = timezone.now() - datetime.timedelta(days=60)
    for days_reported in (2, 4, 10):
        with time_machine.travel(start, tick=False):
            challenge = file_challenge(actor=network.partner, organisation=network.org)
        with time_machine.travel(start + datetime.timedelta(days=days_reported), tick=False):
            advance(challenge, State.ANALYSED, actor=network.group_member, group=network.group)
    body = sign_in(network.coordinator).get("/statistics/").content.decode()
    assert "<title>gemeldet: 4</title>" in body
    assert "<title>analysiert: –</title>" in body  # nobody left "analysed" yet


def test_cumulative_flow_counts_each_state_per_week(network):
    today = timezone.localdate()
    with time_machine.travel(timezone.now() - datetime.timedelta(days=20), tick=False):
        challenge = file_challenge(actor=network.partner, organisation=network.org)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=3), tick=False):
        advance(challenge, State.ANALYSED, actor=network.group_member, group=network.group)
    file_challenge(actor=network.partner, organisation=network.org)
    window = stats_window.Window(today - datetime.timedelta(days=27), today)
    weeks = stats_window.window_stats_for(network.coordinator, window).weeks
    assert weeks[-1].week_ending == today
    assert [(w.counts[State.REPORTED], w.counts[State.ANALYSED]) for w in weeks] == [
        (0, 0), (1, 0), (1, 0), (1, 1),
    ]


def test_bar_chart_geometry_scales_to_the_largest_value():
    chart = stats_web.bar_chart([("a", 10), ("b", 5), ("c", None)], width=148)
    assert [bar.width for bar in chart.bars] == [100.0, 50.0, 0.0]
    assert [bar.value for bar in chart.bars] == [10, 5, None]


@pytest.mark.parametrize(("language", "shown"), [("de", "2,5"), ("en", "2.5")])
def test_median_days_are_written_the_way_the_language_writes_numbers(
    network, sign_in, language, shown
):
    start = timezone.now() - datetime.timedelta(days=60)
    for days_reported in (2, 3):
        with time_machine.travel(start, tick=False):
            challenge = file_challenge(actor=network.partner, organisation=network.org)
        with time_machine.travel(start + datetime.timedelta(days=days_reported), tick=False):
            advance(challenge, State.ANALYSED, actor=network.group_member, group=network.group)
    body = sign_in(network.coordinator, language).get("/statistics/").content.decode()
    median = _section(body, "h-median")
    assert f">{shown}</text>" in median
    # SVG coordinates stay machine numbers whatever the language.
    assert not re.search(r'(?:x|y|width|height)="[0-9]+,[0-9]', median)


def test_long_bar_labels_end_in_an_ellipsis_and_keep_their_full_text_in_the_title():
    long = "Anerkennung ausländischer Berufsabschlüsse und Qualifikationen im Gesundheitswesen"
    chart = stats_web.bar_chart([(long, 3)])
    body = render_to_string(
        "workflows/_bar_chart.html", {"chart": chart, "chart_id": "t", "chart_title": "T"}
    )
    label = re.search(r'<text class="bar-label"[^>]*>([^<]*)</text>', body).group(1)
    assert label.endswith("…") and len(label) <= chart.label_chars
    assert f"<title>{long}: 3</title>" in body
