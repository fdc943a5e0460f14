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


def _transaction_band(item) -> int:
    """pytest-django's order of a test: 0 uses the database in a rolled-back transaction, 1 is
    transactional (flushes after itself), 2 uses no database."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    if (marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))) \
            or "transactional_db" in fixtures or "live_server" in fixtures:
        return 1
    return 0 if marker is not None or "db" in fixtures else 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Among the transactional tests (pytest-django runs them after the others), run those with
    ``serialized_rollback`` first. A plain transactional test's flush re-creates the content
    types with new ids (Django's post_migrate), and a serialized test after it restores the old
    rows beside them: a duplicate (app_label, model). A serialized test flushes without
    post_migrate, so the plain ones after it find an empty database and restore what they need
    (``ensure_reference_data``). pytest-xdist hands each worker its tests in this order, so the
    rule holds per worker too (`make test TEST_WORKERS=2`)."""

    def key(item):
        band = _transaction_band(item)
        marker = item.get_closest_marker("django_db")
        serialized = marker is not None and bool(marker.kwargs.get("serialized_rollback"))
        return (band, 0 if band != 1 or serialized else 1)

    items.sort(key=key)  # stable: the order inside each group stays as collected
