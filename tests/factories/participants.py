import factory

from cohort.models import Role
from participants.models import (
    HelpRequest,
    PairingTopic,
    PartnerEntry,
    Profile,
    TAAssignment,
    join_tags,
)
from tests.factories.cohort import CohortFactory, MembershipFactory, UserFactory


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    membership = factory.SubFactory(MembershipFactory)
    bio = "I study how small models represent numbers."
    interests = join_tags(["circuits", "probing"])


class PartnerEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerEntry

    cohort = factory.SubFactory(CohortFactory)
    user = factory.SubFactory(UserFactory)
    want_to_work_on = "Feature splitting in sparse autoencoders."
    interests = join_tags(["circuits", "sparse autoencoders"])
    available_from = 9
    available_to = 17


class PairingTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PairingTopic

    cohort = factory.SubFactory(CohortFactory)
    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"ARENA exercise {n}")


class TAAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TAAssignment

    cohort = factory.SubFactory(CohortFactory)
    participant = factory.SubFactory(UserFactory)
    ta = factory.SubFactory(UserFactory)


class HelpRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HelpRequest

    cohort = factory.SubFactory(CohortFactory)
    requester = factory.SubFactory(UserFactory)
    topic = factory.Sequence(lambda n: f"Stuck on hooks {n}")
    tried = "Read the docs."


__all__ = ["MembershipFactory", "Role"]
