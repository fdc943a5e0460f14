"""Issue 10, items 1 and 2: a coordinator uses the admin for the network, and cannot become
an operator (superuser, staff rights, groups, permissions), cannot take over another person's
account (password, address) and never reads credentials."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from rest_framework.authtoken.models import Token

from core.models import User
from tests.builders import advance, file_challenge
from tests.factories import UserFactory
from workflows.models import State

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(network):
    """A coordinator as the installation makes one: granted, staff, not a superuser."""
    call_command("grant_coordinator", network.coordinator.email)
    network.coordinator.refresh_from_db()
    assert network.coordinator.is_staff and not network.coordinator.is_superuser
    return network.coordinator


def _escalating_post(person: User) -> dict:
    """The change form of ``person`` with every operator field ticked, the address and the
    password swapped, and a harmless change (the display name) that proves it was processed."""
    return {
        "email": "attacker@example.org",
        "password": "pbkdf2_sha256$1$salt$forged",
        "display_name": "Renamed by the coordinator",
        "preferred_language": "de",
        "is_coordinator": "on",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [Group.objects.get_or_create(name="Operators")[0].pk],
        "user_permissions": list(Permission.objects.values_list("pk", flat=True)[:20]),
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": str(person.memberships.count()),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }


@pytest.mark.parametrize("whom", ["self", "other"])
def test_a_coordinator_cannot_tick_operator_rights_or_swap_address_and_password(
    client, network, coordinator, whom
):
    target = coordinator if whom == "self" else network.partner
    groups_before = set(target.groups.values_list("pk", flat=True))
    password_before = User.objects.get(pk=target.pk).password
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:core_user_change", args=[target.pk]), _escalating_post(target)
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    target = User.objects.get(pk=target.pk)
    assert target.display_name == "Renamed by the coordinator"  # the form was processed
    assert not target.is_superuser
    assert target.is_staff == (whom == "self")  # granted with the role, never ticked here
    assert set(target.groups.values_list("pk", flat=True)) == groups_before
    assert not target.user_permissions.exists()
    assert target.email != "attacker@example.org"
    assert target.password == password_before


def test_the_change_form_shows_a_coordinator_no_operator_fields(client, network, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("admin:core_user_change", args=[network.partner.pk]))
    assert page.status_code == 200
    fields = page.context["adminform"].form.fields
    for name in ("is_superuser", "is_staff", "groups", "user_permissions", "password", "email"):
        assert name not in fields


def test_a_coordinator_cannot_set_a_password_in_the_admin(client, network, coordinator):
    client.force_login(coordinator)
    url = reverse("admin:auth_user_password_change", args=[network.partner.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": "Neu-Passwort-2026!", "password2": "Neu-Passwort-2026!"})
    assert response.status_code == 403
    network.partner.refresh_from_db()
    assert not network.partner.check_password("Neu-Passwort-2026!")
    # ...their own neither: that goes through the reset mail, behind the lock-out.
    assert client.get(
        reverse("admin:auth_user_password_change", args=[coordinator.pk])
    ).status_code == 403


def test_a_coordinator_can_neither_add_people_nor_change_or_delete_an_operator(
    client, coordinator
):
    operator = UserFactory(is_staff=True, is_superuser=True, display_name="Operator")
    client.force_login(coordinator)
    assert client.get(reverse("admin:core_user_add")).status_code == 403
    response = client.post(
        reverse("admin:core_user_add"),
        {"email": "new@example.org", "display_name": "New", "password1": "x-Very-long-1",
         "password2": "x-Very-long-1"},
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="new@example.org").exists()
    response = client.post(
        reverse("admin:core_user_change", args=[operator.pk]), _escalating_post(operator)
    )
    assert response.status_code == 403
    response = client.post(reverse("admin:core_user_delete", args=[operator.pk]), {"post": "yes"})
    assert response.status_code == 403
    operator.refresh_from_db()
    assert operator.display_name == "Operator" and operator.email != "attacker@example.org"


def test_a_coordinator_reads_no_token(client, network, coordinator):
    token = Token.objects.create(user=network.partner)
    client.force_login(coordinator)
    assert not coordinator.has_perm("authtoken.view_token")
    for model in admin.site._registry:
        if model._meta.app_label == "authtoken":
            url = reverse(f"admin:authtoken_{model._meta.model_name}_changelist")
            assert client.get(url).status_code == 403
    assert token.key not in client.get(reverse("admin:index")).content.decode()


def test_every_admin_page_answers_a_coordinator_without_error(client, network, coordinator):
    """Every registered changelist and a change view of one object each: 200 or a refusal
    (403 for what only operators see), never an error, and afterwards still no escalation."""
    challenge = advance(
        file_challenge(actor=network.partner, organisation=network.org),
        State.EVALUATED, actor=network.group_member, group=network.group,
    )
    assert challenge.state == State.EVALUATED
    client.force_login(coordinator)
    seen = {}
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        status = client.get(changelist).status_code
        assert status in (200, 403), (changelist, status)
        seen[changelist] = status
        obj = model_admin.get_queryset(_request_for(coordinator)).first()
        if obj is not None:
            try:
                change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            except NoReverseMatch:
                continue
            status = client.get(change).status_code
            assert status in (200, 302, 403), (change, status)
            seen[change] = status
    assert seen[reverse("admin:auth_group_changelist")] == 403
    assert seen[reverse("admin:core_organisation_changelist")] == 200
    coordinator.refresh_from_db()
    assert not coordinator.is_superuser


def _request_for(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request
