from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from cohort.models import (
    Announcement,
    Cohort,
    FAQEntry,
    Invitation,
    Membership,
    Resource,
    ResourceSection,
    Role,
    User,
)
from cohort.timeline import round_dates

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    timezone = "Europe/London"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        self.save()
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Cohort {n}")
    slug = factory.Sequence(lambda n: f"cohort-{n}")
    timezone = "Europe/London"
    preparation_start = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    preparation_end = factory.LazyAttribute(
        lambda o: round_dates(o.preparation_start)["preparation_end"]
    )
    goals_form_due = factory.LazyAttribute(
        lambda o: round_dates(o.preparation_start)["goals_form_due"]
    )
    partner_deadline = factory.LazyAttribute(
        lambda o: round_dates(o.preparation_start)["partner_deadline"]
    )
    sprint_start = factory.LazyAttribute(lambda o: round_dates(o.preparation_start)["sprint_start"])
    sprint_end = factory.LazyAttribute(lambda o: round_dates(o.preparation_start)["sprint_end"])
    interview_start = factory.LazyAttribute(
        lambda o: round_dates(o.preparation_start)["interview_start"]
    )
    interview_end = factory.LazyAttribute(
        lambda o: round_dates(o.preparation_start)["interview_end"]
    )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    cohort = factory.SubFactory(CohortFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.PARTICIPANT


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    cohort = factory.SubFactory(CohortFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.PARTICIPANT


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Announcement

    cohort = factory.SubFactory(CohortFactory)
    title = factory.Sequence(lambda n: f"Announcement {n}")
    body = "Some **news** for the cohort."
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))


class ResourceSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceSection

    cohort = factory.SubFactory(CohortFactory)
    title = factory.Sequence(lambda n: f"Section {n}")


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    section = factory.SubFactory(ResourceSectionFactory)
    title = factory.Sequence(lambda n: f"Resource {n}")
    url = factory.Sequence(lambda n: f"https://example.org/resource/{n}")


class FAQEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FAQEntry

    cohort = factory.SubFactory(CohortFactory)
    question = factory.Sequence(lambda n: f"Question {n}?")
    answer = "An answer."
