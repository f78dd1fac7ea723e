from datetime import timedelta

import factory
from django.utils import timezone

from events.models import Event, EventKind
from tests.factories.cohort import CohortFactory


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    cohort = factory.SubFactory(CohortFactory)
    title = factory.Sequence(lambda n: f"Event {n}")
    kind = EventKind.TALK
    description = "What we will *cover*."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))


class LightningRoundFactory(EventFactory):
    kind = EventKind.LIGHTNING
    title = factory.Sequence(lambda n: f"Lightning round {n}")
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=30))
