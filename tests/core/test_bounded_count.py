"""A list's count (``core.pagination.bounded_count``): exact up to the bound, the planner's
estimate past it, and one statement either way on PostgreSQL (issue 14: the estimate was a
second round trip past 10,000 rows, so a list made a query more at 100,000 challenges than at
10,000)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.pagination import bounded_count
from tests.builders import file_challenge
from workflows.models import Challenge

pytestmark = pytest.mark.django_db


@pytest.fixture
def five(network):
    return [file_challenge(actor=network.partner, organisation=network.org, title=f"Zähl {i}")
            for i in range(5)]


def test_exact_up_to_the_bound_and_estimated_past_it_in_one_query(five):
    everything = Challenge.objects.order_by("-created_at")
    with CaptureQueriesContext(connection) as exact:
        assert bounded_count(everything, bound=5) == (5, True)
    with CaptureQueriesContext(connection) as past:
        count, is_exact = bounded_count(everything, bound=3)
    if connection.vendor == "postgresql":
        assert is_exact is False and count >= 4  # the estimate, never below the bound
        assert len(past.captured_queries) == 1
    else:  # SQLite counts exactly
        assert (count, is_exact) == (5, True)
    assert len(exact.captured_queries) == 1


def test_values_that_need_quoting_reach_the_estimate_safely(network, five):
    """The estimated query goes to ``wkn_row_estimate`` as text with its values quoted: a
    quote, a percent sign or a semicolon in a search term is a value, not SQL. (Each term
    matches one challenge, past the bound of 0: the estimate is asked for.)"""
    words = ("O'Brien", "100%", "x'; DROP TABLE workflows_challenge; --")
    file_challenge(actor=network.partner, organisation=network.org, title=" ".join(words))
    for word in words:
        count, is_exact = bounded_count(Challenge.objects.filter(title__icontains=word), bound=0)
        assert count >= 1 and is_exact is (connection.vendor != "postgresql")
    assert Challenge.objects.count() == 6
    assert bounded_count(Challenge.objects.filter(pk__in=[])) == (0, True)
