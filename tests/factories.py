"""factory_boy factories for the network's base. Challenges are built through services (see
``tests/builders.py``), as a user would, never by poking fields."""

import factory
from django.utils import timezone

from core.models import Membership, Organisation, Region, TargetGroup, Topic, User, WorkingGroup


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    preferred_language = "de"
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def region(slug: str = "magdeburg") -> Region:
    return Region.objects.get(slug=slug)


def topic(slug: str = "recognition") -> Topic:
    return Topic.objects.get(slug=slug)


def target_group(slug: str = "employers") -> TargetGroup:
    return TargetGroup.objects.get(slug=slug)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.EMPLOYER
    region = factory.LazyFunction(region)
    status = Organisation.Status.ADMITTED
    admitted_at = factory.LazyFunction(timezone.now)


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Working group {n}")
    slug = factory.Sequence(lambda n: f"wg-{n}")
    purpose = "Works on what the network brings to it."

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.members.set(extracted)


def member_of(user: User, organisation: Organisation) -> User:
    Membership.objects.get_or_create(user=user, organisation=organisation)
    return user


def referral_body(name: str = "LAMSA – Landesnetzwerk Migrantenorganisationen Sachsen-Anhalt"):
    """A referral body with a contact address (the migration seeds these; transactional tests
    that ran before may have emptied the table)."""
    from workflows.models import ReferralBody

    body, _created = ReferralBody.objects.get_or_create(
        name=name, defaults={"contact_email": "kontakt@lamsa.example"}
    )
    return body
