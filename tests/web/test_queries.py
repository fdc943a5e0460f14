"""Every page answers in a fixed number of queries whatever the number of rows it shows:
the same pinned count for 10 and for 100 rows.

Common to every signed-in page: 1 session, 1 user, 1 for the roles (memberships and working groups,
one UNION ALL: core.permissions.roles_of).
"""

import datetime
import hashlib

import pytest
import time_machine
from django.utils import timezone

from tests.builders import advance, file_challenge
from tests.factories import region, topic
from workflows import services
from workflows.models import GoodPractice, State
from workflows.search import index as search_index

pytestmark = pytest.mark.django_db
ROWS = [10, 100]
# Each good-practice record costs a whole lifecycle and a similarity match against the records
# before it (filing grows quadratic): 40 is past a page of the catalogue and keeps the fixture
# cheap; the pin is the same for 10 and 40.
RECORD_ROWS = [10, 40]


@pytest.fixture
def many_challenges(network, request):
    """``rows`` stale network challenges of ``org``, every tenth of them analysed by the group."""
    rows = request.param
    with time_machine.travel(timezone.now() - datetime.timedelta(days=40), tick=False):
        for n in range(rows):
            challenge = file_challenge(
                actor=network.partner, organisation=network.org, title=f"Herausforderung {n}"
            )
            if n % 10 == 0:
                advance(challenge, State.ANALYSED, actor=network.group_member, group=network.group)
            services.challenge_follow(actor=network.group_member, challenge=challenge)
    search_index.fold_vocabulary()  # the beat job's minute: the vocabulary knows the titles
    return rows


@pytest.mark.parametrize("many_challenges", ROWS, indirect=True)
def test_challenge_pages(network, sign_in, many_challenges, django_assert_num_queries):
    client = sign_in(network.group_member)
    # session, user, roles, count, page of rows, 3 filter choices (topics, regions, groups;
    # organisations are typed, not listed), reminder policy and the open ones per state with
    # the overdue (one grouped)
    with django_assert_num_queries(10):
        assert client.get("/challenges/?sort=title").status_code == 200
    # ... the same with every filter set: + 4 lookups of the chosen topic, region, group, org,
    # + search: synonym groups, vocabulary (term weights; the process's copy from then on:
    # workflows.search.local_cache); on PostgreSQL the capped scan of the list by relevance
    # instead of the count (its candidates count themselves: workflows.search.capped)
    query = (f"?state=analysed&topic={topic().pk}&region={region().pk}"
             f"&working_group={network.group.pk}&organisation={network.org.pk}&q=Herausforderung")
    with django_assert_num_queries(16):
        response = client.get("/challenges/" + query)
    assert response.content.decode().count('"><a href="/challenges/') == min(many_challenges // 10, 25)
    # session, user, roles, counts per state, the cards of all 6 columns (one UNION ALL),
    # 3 filter choices
    with django_assert_num_queries(8):
        assert client.get("/challenges/board/").status_code == 200
    # session, user, roles, reminder policy, waiting, stale, followed, activity, drafts of
    # the group's good practices, saved views, my open challenges per state with the overdue
    with django_assert_num_queries(11):
        assert client.get("/").status_code == 200
    # session, user, roles; workflows.stats: counts per state, topic, region, the median
    # stays, topics, regions; workflows.stats_window: flow, cycle time, waiting time,
    # throughput, 3 taxonomies, and filed and finished per topic, region, target group and
    # organisation in one query of the breakdown rollup (workflows.stats_breakdowns)
    with django_assert_num_queries(17):
        assert client.get("/statistics/").status_code == 200


@pytest.mark.parametrize("many_challenges", ROWS, indirect=True)
def test_coordinator_my_work(network, sign_in, many_challenges, django_assert_num_queries):
    client = sign_in(network.coordinator)
    # session, user, roles, triage, reminder policy, stale, followed, activity, good
    # practices and recommendations to review, saved views, open challenges per state with the
    # overdue (one grouped query)
    with django_assert_num_queries(12):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("rows", ROWS)
def test_challenge_detail(network, sign_in, rows, django_assert_num_queries):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    challenge = advance(challenge, State.EVALUATED, actor=network.group_member, group=network.group)
    for n in range(rows):
        services.comment_add(actor=network.partner, challenge=challenge, body=f"Kommentar {n}")
    client = sign_in(network.coordinator)
    # session, user, roles, challenge, target groups, approaches, trials, trial partners,
    # log, field changes (edits, assignments), comments, follow, working groups (assign form);
    # suggestions: synonym groups, vocabulary + related challenges, vocabulary + helpful good
    # practices, its duplicates
    with django_assert_num_queries(19):
        response = client.get(f"/challenges/{challenge.pk}/")
    assert response.content.decode().count("Kommentar ") >= rows


@pytest.fixture
def many_records(network, request):
    """``rows`` published good practices for employers, each from its own evaluated challenge."""
    rows = request.param
    for n in range(rows):
        challenge = file_challenge(
            actor=network.partner, organisation=network.org, title=f"Fall {n}"
        )
        challenge = advance(
            challenge, State.TRIALLED, actor=network.group_member, group=network.group,
            approach=hashlib.sha1(str(n).encode()).hexdigest()[:16],
        )
        services.challenge_evaluate(
            actor=network.group_member, challenge=challenge, outcome="successful",
            evidence="Wirkt", lessons_learned="Gut",
        )
    for record in GoodPractice.objects.all():
        services.good_practice_publish(actor=network.coordinator, good_practice=record)
    return rows


@pytest.mark.parametrize("many_records", RECORD_ROWS, indirect=True)
def test_good_practice_pages(client, many_records, django_assert_num_queries):
    # One record per approach: every challenge proposed its own.
    assert GoodPractice.objects.filter(status="published").count() == many_records
    # anonymous: count, page, its regions, target groups, topics, partners, 3 filter choices,
    # target groups (recommendation links)
    with django_assert_num_queries(10):
        assert client.get("/good-practices/").status_code == 200
    # target group, written recommendations, records, topics, regions, partners, other
    # target groups
    with django_assert_num_queries(7):
        assert client.get("/recommendations/employers/").status_code == 200
