from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from cohort.models import Role
from events.models import LightningSlot
from events.services import SlotUnavailable, take_lightning_slot
from tests.concurrency import race
from tests.factories.cohort import MembershipFactory, UserFactory
from tests.factories.events import LightningRoundFactory


def test_round_gets_one_slot_per_five_minutes(cohort):
    start = timezone.now() + timedelta(days=1)
    event = LightningRoundFactory(
        cohort=cohort, starts_at=start, ends_at=start + timedelta(minutes=30)
    )

    slots = list(event.slots.all())

    assert [s.number for s in slots] == [1, 2, 3, 4, 5, 6]
    assert slots[1].starts_at - slots[0].starts_at == timedelta(minutes=5)


def test_participant_takes_a_free_slot_through_the_page(client, participant, cohort):
    event = LightningRoundFactory(cohort=cohort)
    client.force_login(participant)

    client.post(
        reverse("events:take_slot", kwargs={"slug": cohort.slug, "pk": event.pk}),
        {"number": 2, "talk_title": "My probe"},
    )

    slot = event.slots.get(number=2)
    assert (slot.speaker, slot.talk_title) == (participant, "My probe")


def test_taken_slot_cannot_be_taken_again(cohort, make_member):
    event = LightningRoundFactory(cohort=cohort)
    first, second = make_member(), make_member()
    take_lightning_slot(event=event, number=1, user=first, talk_title="First")

    with pytest.raises(SlotUnavailable):
        take_lightning_slot(event=event, number=1, user=second, talk_title="Second")

    assert event.slots.get(number=1).speaker == first


def test_one_slot_per_person_per_round_also_as_partner(cohort, make_member):
    event = LightningRoundFactory(cohort=cohort)
    other_round = LightningRoundFactory(cohort=cohort)
    speaker, partner = make_member(), make_member()
    take_lightning_slot(
        event=event, number=1, user=speaker, talk_title="Pair talk", partner=partner
    )

    with pytest.raises(SlotUnavailable):
        take_lightning_slot(event=event, number=2, user=speaker, talk_title="Again")
    with pytest.raises(SlotUnavailable):
        take_lightning_slot(event=event, number=3, user=partner, talk_title="Me too")
    take_lightning_slot(event=other_round, number=1, user=speaker, talk_title="Next round")

    assert event.slots.filter(speaker__isnull=False).count() == 1


def test_database_refuses_a_second_slot_for_the_same_speaker(cohort, make_member):
    event = LightningRoundFactory(cohort=cohort)
    speaker = make_member()
    LightningSlot.objects.filter(event=event, number=1).update(speaker=speaker, talk_title="A")

    with pytest.raises(IntegrityError), transaction.atomic():
        LightningSlot.objects.filter(event=event, number=2).update(speaker=speaker, talk_title="B")


def test_database_refuses_a_second_slot_with_the_same_number(cohort):
    event = LightningRoundFactory(cohort=cohort)

    with pytest.raises(IntegrityError), transaction.atomic():
        LightningSlot.objects.create(event=event, number=1, starts_at=event.starts_at)


def _race(callables):
    """Run the callables at the same moment, each in its own thread and database connection."""
    outcomes = race(callables, returning=(SlotUnavailable,))
    return ["refused" if isinstance(o, SlotUnavailable) else "took" for o in outcomes]


@pytest.mark.django_db(transaction=True)
def test_no_double_booking_under_concurrency(cohort, capsys):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer, so nothing would race")
    event = LightningRoundFactory(cohort=cohort)
    people = [UserFactory() for _ in range(9)]
    for person in people:
        MembershipFactory(cohort=cohort, user=person, role=Role.PARTICIPANT)

    same_slot = _race(
        [
            lambda p=p: take_lightning_slot(event=event, number=1, user=p, talk_title=p.email)
            for p in people[:8]
        ]
    )
    one_person = _race(
        [
            lambda n=n: take_lightning_slot(
                event=event, number=n, user=people[8], talk_title=f"try {n}"
            )
            for n in range(2, 7)
        ]
    )

    with capsys.disabled():
        print(
            f"\nlightning race: 8 people at once for one slot: {same_slot.count('took')} took "
            f"it; one person grabbing 5 slots at once: {one_person.count('took')} succeeded"
        )
    assert sorted(same_slot) == ["refused"] * 7 + ["took"]
    assert sorted(one_person) == ["refused"] * 4 + ["took"]
    taken = list(LightningSlot.objects.filter(event=event, speaker__isnull=False))
    assert len(taken) == 2
    assert LightningSlot.objects.filter(event=event, speaker=people[8]).count() == 1


def test_a_slot_taken_meanwhile_keeps_the_talk_title_typed(
    client, participant, make_member, cohort
):
    event = LightningRoundFactory(cohort=cohort)
    quicker = make_member(Role.PARTICIPANT, name="Quick Quentin")
    take_lightning_slot(event=event, number=2, user=quicker, talk_title="First come")
    client.force_login(participant)

    response = client.post(
        reverse("events:take_slot", kwargs={"slug": cohort.slug, "pk": event.pk}),
        {"number": 2, "talk_title": "My probe"},
    )

    assert response.status_code == 400
    assert event.slots.get(number=2).talk_title == "First come"
    html = response.content.decode()
    assert html.count('value="My probe"') == event.slots.filter(speaker__isnull=True).count()
    assert 'id="slot-error"' in html
