"""Filing, editing, comments and follows: rules and refusals that change nothing."""

import pytest

from core.exceptions import MissingInput, NotFound, PermissionDenied
from core.models import Organisation
from tests.builders import advance, file_challenge
from tests.factories import OrganisationFactory, region, target_group, topic
from workflows import services
from workflows.models import Challenge, Comment, Event, Follow, GoodPractice, State

pytestmark = pytest.mark.django_db


def test_filing_starts_reported_logged_followed_and_recorded(network):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    assert challenge.state == State.REPORTED
    assert challenge.reporter == network.partner
    assert challenge.log.get().transition == "file"
    assert Follow.objects.filter(user=network.partner, challenge=challenge).exists()
    assert Event.objects.get(challenge=challenge).kind == Event.Kind.CHALLENGE_FILED


@pytest.mark.parametrize("role", ["other_partner", "stakeholder", "outsider_member"])
def test_filing_for_an_organisation_that_is_not_yours_is_refused(network, role):
    with pytest.raises(PermissionDenied):
        file_challenge(actor=getattr(network, role), organisation=network.org)
    assert Challenge.objects.count() == 0


def test_filing_for_a_pending_organisation_is_refused_even_for_coordinators(network):
    pending = OrganisationFactory(status=Organisation.Status.PENDING)
    with pytest.raises(MissingInput) as error:
        file_challenge(actor=network.coordinator, organisation=pending)
    assert "organisation" in error.value.fields
    assert Challenge.objects.count() == 0


@pytest.mark.parametrize("field", ["title", "description", "topic", "region", "target_groups"])
def test_filing_without_a_required_field_is_refused(network, field):
    values = dict(
        title="Titel", description="Beschreibung", topic=topic(), region=region(),
        target_groups=[target_group()],
    )
    values[field] = [] if field == "target_groups" else ("" if field in ("title", "description") else None)
    with pytest.raises(MissingInput) as error:
        services.challenge_file(actor=network.partner, organisation=network.org, visibility="network", **values)
    assert field in error.value.fields
    assert Challenge.objects.count() == 0 and Event.objects.count() == 0


def test_editing_changes_the_fields_and_records_one_event(network):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    updated = services.challenge_update(
        actor=network.partner, challenge=challenge, title="Neuer Titel", visibility="restricted",
        target_groups=[target_group("public")],
    )
    assert (updated.title, updated.visibility) == ("Neuer Titel", "restricted")
    assert list(updated.target_groups.values_list("slug", flat=True)) == ["public"]
    assert Event.objects.filter(kind=Event.Kind.CHALLENGE_EDITED).count() == 1


def test_editing_someone_elses_challenge_is_refused(network):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    with pytest.raises(PermissionDenied):
        services.challenge_update(actor=network.other_partner, challenge=challenge, title="Hijack")
    assert Challenge.objects.get(pk=challenge.pk).title != "Hijack"


def test_comment_adds_follow_and_event_and_is_refused_for_stakeholders(network):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    comment = services.comment_add(actor=network.other_partner, challenge=challenge, body="Kennen wir auch.")
    assert Follow.objects.filter(user=network.other_partner, challenge=challenge).exists()
    assert Event.objects.filter(comment=comment).count() == 1
    with pytest.raises(PermissionDenied):
        services.comment_add(actor=network.stakeholder, challenge=challenge, body="Hallo")
    with pytest.raises(MissingInput):
        services.comment_add(actor=network.partner, challenge=challenge, body="   ")
    assert Comment.objects.count() == 1


def test_follow_and_unfollow_are_idempotent_and_respect_visibility(network):
    challenge = file_challenge(actor=network.partner, organisation=network.org, visibility="restricted")
    with pytest.raises(NotFound):
        services.challenge_follow(actor=network.stakeholder, challenge=challenge)
    services.challenge_follow(actor=network.coordinator, challenge=challenge)
    services.challenge_follow(actor=network.coordinator, challenge=challenge)
    assert Follow.objects.filter(user=network.coordinator).count() == 1
    services.challenge_unfollow(actor=network.coordinator, challenge=challenge)
    services.challenge_unfollow(actor=network.coordinator, challenge=challenge)
    assert Follow.objects.filter(user=network.coordinator).count() == 0


def test_only_coordinators_publish_and_publishing_is_an_event(network):
    challenge = advance(
        file_challenge(actor=network.partner, organisation=network.org), State.EVALUATED,
        actor=network.group_member, group=network.group,
    )
    record = GoodPractice.objects.get(approaches__challenge=challenge)
    with pytest.raises(PermissionDenied):
        services.good_practice_publish(actor=network.group_member, good_practice=record)
    with pytest.raises(NotFound):  # drafts are invisible to partners
        services.good_practice_publish(actor=network.partner, good_practice=record)
    published = services.good_practice_publish(actor=network.coordinator, good_practice=record)
    services.good_practice_publish(actor=network.coordinator, good_practice=record)
    assert published.status == GoodPractice.Status.PUBLISHED
    assert Event.objects.filter(kind=Event.Kind.GOOD_PRACTICE_PUBLISHED).count() == 1


def test_only_coordinators_assign_working_groups(network):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    with pytest.raises(PermissionDenied):
        services.challenge_assign_working_group(actor=network.group_member, challenge=challenge, working_group=network.group)
    assigned = services.challenge_assign_working_group(actor=network.coordinator, challenge=challenge, working_group=network.group)
    assert assigned.working_group == network.group
