"""Good-practice records: several trials of one approach add up in one record, recomputed from
the database, so a rebuild gives the same record."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.builders import advance, file_challenge
from tests.factories import region
from workflows import services as workflow_services
from workflows.good_practices import good_practices_rebuild
from workflows.models import Approach, GoodPractice

pytestmark = pytest.mark.django_db

FIELDS = ("trial_count", "success_count", "partial_count", "region_count", "typical_duration_days",
          "title", "status", "evidence", "lessons_learnt")


def snapshot(record: GoodPractice) -> dict:
    record.refresh_from_db()
    return {
        **{f: getattr(record, f) for f in FIELDS},
        "regions": sorted(record.regions.values_list("slug", flat=True)),
        "partners": sorted(record.partners.values_list("name", flat=True)),
    }


def two_trials_of_one_approach(network, second_outcome="partly"):
    first = file_challenge(actor=network.partner, organisation=network.org)
    advance(first, "evaluated", actor=network.group_member, group=network.group)
    record = GoodPractice.objects.get()

    second = file_challenge(actor=network.other_partner, organisation=network.other_org,
                            title="Lange Wartezeiten in Halle", region=region("halle-saale"))
    second = advance(second, "analysed", actor=network.group_member, group=network.group)
    second = workflow_services.challenge_propose_approach(
        actor=network.group_member, challenge=second,
        approaches=[workflow_services.ApproachInput("Lotsen für Halle", "Wie in Magdeburg", good_practice_id=record.pk)],
        selected=0,
    )
    advance(second, "evaluated", actor=network.group_member, group=network.group, outcome=second_outcome)
    return record, first, second


def test_two_successful_trials_of_one_approach_give_one_record_with_both_counted(network):
    record, first, second = two_trials_of_one_approach(network)

    assert GoodPractice.objects.count() == 1
    state = snapshot(record)
    assert (state["trial_count"], state["success_count"], state["partial_count"], state["region_count"]) == (2, 1, 1, 2)
    assert state["status"] == "draft"
    assert set(Approach.objects.filter(good_practice=record).values_list("challenge_id", flat=True)) == {first.pk, second.pk}


def test_a_rebuild_gives_the_same_record(network):
    record, _first, _second = two_trials_of_one_approach(network)
    before = snapshot(record)

    assert good_practices_rebuild() == 1
    assert good_practices_rebuild() == 1
    assert snapshot(record) == before
    assert GoodPractice.objects.count() == 1


def test_a_rebuild_repairs_a_drifted_record(network):
    record, _first, _second = two_trials_of_one_approach(network)
    before = snapshot(record)
    GoodPractice.objects.filter(pk=record.pk).update(trial_count=7, success_count=0, region_count=0)

    good_practices_rebuild()
    assert snapshot(record) == before


def test_an_unsuccessful_trial_is_counted_but_makes_no_record_of_its_own(network):
    lone = file_challenge(actor=network.partner, organisation=network.org)
    advance(lone, "evaluated", actor=network.group_member, group=network.group, outcome="not_successful")
    assert GoodPractice.objects.count() == 0
    good_practices_rebuild()
    assert GoodPractice.objects.count() == 0


def test_the_rebuild_command_dry_run_changes_nothing(network, capsys):
    record, _first, _second = two_trials_of_one_approach(network)
    GoodPractice.objects.filter(pk=record.pk).update(trial_count=7)

    call_command("rebuild_good_practices", "--dry-run")
    out = capsys.readouterr().out
    assert "[dry run]" in out and "2 trials" in out
    record.refresh_from_db()
    assert record.trial_count == 7

    call_command("rebuild_good_practices")
    record.refresh_from_db()
    assert record.trial_count == 2
