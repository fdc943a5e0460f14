"""Who sees what: the visibility rules of DESIGN.md, asked of the one permissions module and
of the selector every surface reads through."""

import pytest

from workflows import permissions
from core.models import Membership, Organisation
from tests.builders import advance, file_challenge
from tests.factories import OrganisationFactory, UserFactory
from workflows.models import State
from workflows.selectors import challenges_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted(network):
    challenge = file_challenge(actor=network.partner, organisation=network.org, visibility="restricted")
    return advance(challenge, State.ANALYSED, actor=network.coordinator, group=network.group)


@pytest.mark.parametrize(
    "role,sees",
    [
        ("partner", True),  # reporting organisation
        ("group_member", True),  # assigned working group
        ("coordinator", True),
        ("other_partner", False),
        ("stakeholder", False),
        ("outsider_member", False),
    ],
)
def test_restricted_challenge_visibility(network, restricted, role, sees):
    user = getattr(network, role)
    assert permissions.can_view_challenge(user, restricted) is sees
    assert challenges_visible_to(user).filter(pk=restricted.pk).exists() is sees


@pytest.mark.parametrize(
    "role,sees",
    [("partner", True), ("other_partner", True), ("group_member", True), ("outsider_member", True),
     ("coordinator", True), ("stakeholder", True)],
)
def test_network_challenge_is_seen_by_every_member_and_stakeholder(network, role, sees):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    assert permissions.can_view_challenge(getattr(network, role), challenge) is sees


def test_anonymous_and_roleless_people_see_nothing(network):
    from django.contrib.auth.models import AnonymousUser

    challenge = file_challenge(actor=network.partner, organisation=network.org)
    roleless = UserFactory()
    for user in (AnonymousUser(), roleless):
        assert not permissions.can_view_challenge(user, challenge)
        assert not challenges_visible_to(user).exists()


def test_members_of_a_pending_organisation_have_no_partner_rights(network):
    pending = OrganisationFactory(status=Organisation.Status.PENDING, admitted_at=None)
    applicant = UserFactory()
    Membership.objects.create(user=applicant, organisation=pending)
    assert not permissions.can_file_challenge(applicant, pending.pk)
    assert not permissions.roles_of(applicant).partner


def test_roles_are_read_in_one_query_admitted_organisations_and_group_seats(
    network, django_assert_num_queries
):
    """Memberships of admitted organisations only, and every working-group seat, in one query
    (every signed-in request pays for it)."""
    from tests.factories import member_of

    pending = OrganisationFactory(status=Organisation.Status.PENDING, admitted_at=None)
    person = member_of(member_of(UserFactory(), network.org), network.other_org)
    Membership.objects.create(user=person, organisation=pending)
    network.group.members.add(person)
    network.other_group.members.add(person)
    person = type(person).objects.get(pk=person.pk)  # nothing cached on the object
    with django_assert_num_queries(1):
        roles = permissions.roles_of(person)
    assert roles.organisation_ids == {network.org.pk, network.other_org.pk}
    assert roles.group_ids == {network.group.pk, network.other_group.pk}
    with django_assert_num_queries(0):  # read once per user object
        assert permissions.roles_of(person) is roles
    loner = type(person).objects.get(pk=UserFactory().pk)
    assert permissions.roles_of(loner).organisation_ids == frozenset()
    assert permissions.roles_of(loner).group_ids == frozenset()


def test_stakeholders_follow_but_do_not_comment_or_file(network):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    assert permissions.can_follow(network.stakeholder, challenge)
    assert not permissions.can_comment(network.stakeholder, challenge)
    assert not permissions.can_file_challenge(network.stakeholder)


def test_the_reporting_organisation_edits_only_while_reported(network):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    assert permissions.can_edit_challenge(network.partner, challenge)
    assert not permissions.can_edit_challenge(network.other_partner, challenge)
    analysed = advance(challenge, State.ANALYSED, actor=network.coordinator, group=network.group)
    assert not permissions.can_edit_challenge(network.partner, analysed)
    assert permissions.can_edit_challenge(network.group_member, analysed)
    assert permissions.can_edit_challenge(network.coordinator, analysed)


def test_roles_add_up(network):
    """A partner member who also sits in a working group has the rights of both."""
    network.group.members.add(network.partner)
    permissions.forget_roles(network.partner)
    other = file_challenge(actor=network.other_partner, organisation=network.other_org, visibility="restricted")
    other = advance(other, State.ANALYSED, actor=network.coordinator, group=network.group)
    assert permissions.can_view_challenge(network.partner, other)
    assert permissions.can_run_transition(network.partner, other, "propose_approach")
    assert not permissions.can_run_transition(network.partner, other, "close")


def test_one_persons_reader_the_rule_and_the_filter_agree_on_every_challenge(network):
    """``challenge_reader`` (what a digest batch asks a thousand times per person) decides as
    ``can_view_challenge`` and as the database filter ``visible_challenges_q``, for every role
    and every kind of challenge: network-wide or restricted, with or without a group."""
    from django.contrib.auth.models import AnonymousUser

    from workflows.models import Challenge

    challenges = [
        file_challenge(actor=network.partner, organisation=network.org),
        file_challenge(actor=network.partner, organisation=network.org, visibility="restricted"),
        advance(file_challenge(actor=network.other_partner, organisation=network.other_org,
                               visibility="restricted"),
                State.ANALYSED, actor=network.coordinator, group=network.group),
        advance(file_challenge(actor=network.other_partner, organisation=network.other_org,
                               visibility="restricted"),
                State.ANALYSED, actor=network.coordinator, group=network.other_group),
    ]
    both = UserFactory(display_name="Beate Both")  # a partner who also sits in a group
    Membership.objects.create(user=both, organisation=network.other_org)
    network.group.members.add(both)
    people = [AnonymousUser(), UserFactory(), both] + [
        getattr(network, role) for role in ("partner", "other_partner", "group_member",
                                            "outsider_member", "coordinator", "stakeholder")]
    decided = set()
    for user in people:
        reads = permissions.challenge_reader(user)
        q = permissions.visible_challenges_q(user)
        rows = Challenge.objects.filter(pk__in=[c.pk for c in challenges])
        filtered = set((rows if q is None else rows.filter(q)).values_list("pk", flat=True))
        for challenge in challenges:
            seen = reads(challenge)
            assert seen is permissions.can_view_challenge(user, challenge)
            assert seen is (challenge.pk in filtered), (user, challenge.visibility)
            decided.add(seen)
    assert decided == {True, False}
