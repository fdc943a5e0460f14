import os
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from core.reference_data import ensure_reference_data

from .factories import OrganisationFactory, UserFactory, WorkingGroupFactory, member_of

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def network(db):
    """One person per role (DESIGN.md) around two organisations and one working group.

    - ``partner``: member of ``org`` (the reporting organisation in most tests)
    - ``other_partner``: member of ``other_org``
    - ``group_member``: sits in ``group`` (and is a member of ``group_org``)
    - ``outsider_member``: sits in ``other_group`` only
    - ``coordinator``, ``stakeholder``
    """
    # Transactional tests (live server, real worker) empty the database after themselves,
    # data migrations included: restore the regions and taxonomies.
    ensure_reference_data()
    org = OrganisationFactory(name="IHK Magdeburg")
    other_org = OrganisationFactory(name="Stadt Halle")
    group_org = OrganisationFactory(name="IQ Netzwerk Sachsen-Anhalt")
    partner = member_of(UserFactory(display_name="Petra Partner"), org)
    other_partner = member_of(UserFactory(display_name="Otto Other"), other_org)
    group_member = member_of(UserFactory(display_name="Gabi Group"), group_org)
    outsider_member = UserFactory(display_name="Olaf Outsider")
    coordinator = UserFactory(display_name="Clara Coordinator", is_coordinator=True)
    stakeholder = UserFactory(display_name="Stefan Stakeholder", is_stakeholder=True)
    group = WorkingGroupFactory(name="AG Anerkennung", members=[group_member])
    other_group = WorkingGroupFactory(name="AG Wohnen", members=[outsider_member])
    return SimpleNamespace(
        org=org,
        other_org=other_org,
        group_org=group_org,
        partner=partner,
        other_partner=other_partner,
        group_member=group_member,
        outsider_member=outsider_member,
        coordinator=coordinator,
        stakeholder=stakeholder,
        group=group,
        other_group=other_group,
    )
