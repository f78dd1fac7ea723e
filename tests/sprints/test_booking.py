from datetime import time, timedelta

import pytest
from django.urls import reverse

from sprints import queries, services
from sprints.models import Booking, Slot, SlotKind
from sprints.services import SprintError
from tests.factories.sprints import make_pair, make_slot


@pytest.fixture
def pair(cohort, people):
    return make_pair(cohort, people[0], people[1])


@pytest.fixture
def other_pair(cohort, people):
    return make_pair(cohort, people[2], people[3])


def _book(slot, pair, user, now=None):
    return services.book_slot(slot_id=slot.pk, pair=pair, user=user, now=now)


def test_slot_booked_once_only(cohort, people, pair, other_pair):
    slot = make_slot(cohort)
    _book(slot, pair, people[0])

    with pytest.raises(SprintError, match="just been taken"):
        _book(slot, other_pair, people[2])

    assert Booking.objects.filter(slot=slot).count() == 1


def test_one_interview_per_pair(cohort, people, pair):
    first, second = make_slot(cohort), make_slot(cohort)
    _book(first, pair, people[0])

    with pytest.raises(SprintError, match="interview booked already"):
        _book(second, pair, people[1])


def test_one_future_dropin_per_pair(cohort, people, pair):
    first = make_slot(cohort, SlotKind.DROPIN)
    second = make_slot(cohort, SlotKind.DROPIN)
    _book(first, pair, people[0])

    with pytest.raises(SprintError, match="1 future drop-in at a time"):
        _book(second, pair, people[1])


def test_next_dropin_allowed_once_the_first_is_past(cohort, people, pair):
    first = make_slot(cohort, SlotKind.DROPIN)
    second = make_slot(cohort, SlotKind.DROPIN)
    _book(first, pair, people[0])

    booking = _book(second, pair, people[1], now=first.ends_at)

    assert booking.slot == second


def test_dropin_limit_is_a_cohort_setting(cohort, people, pair):
    rules = queries.settings_for(cohort)
    rules.max_future_dropins = 2
    rules.save()
    slots = [make_slot(cohort, SlotKind.DROPIN) for _ in range(3)]
    _book(slots[0], pair, people[0])
    _book(slots[1], pair, people[0])

    with pytest.raises(SprintError, match="2 future drop-ins"):
        _book(slots[2], pair, people[0])


def test_cancel_allowed_exactly_one_hour_before(cohort, people, pair):
    slot = make_slot(cohort)
    booking = _book(slot, pair, people[0])

    services.cancel_booking(
        booking=booking, user=people[1], now=slot.starts_at - timedelta(hours=1)
    )

    booking.refresh_from_db()
    assert booking.cancelled_at is not None
    assert _book(slot, pair, people[0]).slot == slot  # the slot is free again


def test_cancel_refused_inside_the_last_hour(cohort, people, pair):
    slot = make_slot(cohort)
    booking = _book(slot, pair, people[0])

    with pytest.raises(SprintError, match="up to 1 hour before"):
        services.cancel_booking(
            booking=booking, user=people[0], now=slot.starts_at - timedelta(minutes=59)
        )


def test_started_slot_cannot_be_booked(cohort, people, pair):
    slot = make_slot(cohort)

    with pytest.raises(SprintError, match="already started"):
        _book(slot, pair, people[0], now=slot.starts_at)


def test_participant_cannot_cancel_another_pairs_booking(client, cohort, people, pair, other_pair):
    slot = make_slot(cohort)
    booking = _book(slot, other_pair, people[2])
    client.force_login(people[0])

    response = client.post(
        reverse("sprints:cancel_booking", kwargs={"slug": cohort.slug, "pk": booking.pk})
    )

    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.cancelled_at is None
    with pytest.raises(SprintError, match="not your pair"):
        services.cancel_booking(booking=booking, user=people[0])


def test_participant_cannot_book_for_another_pair(cohort, people, other_pair):
    slot = make_slot(cohort)

    with pytest.raises(SprintError, match="not your pair"):
        _book(slot, other_pair, people[0])


def test_book_through_the_page(client, cohort, people, pair):
    slot = make_slot(cohort)
    client.force_login(people[1])

    client.post(reverse("sprints:book", kwargs={"slug": cohort.slug, "pk": slot.pk}))
    page = client.get(reverse("sprints:sprint", kwargs={"slug": cohort.slug})).content.decode()

    assert Booking.objects.get().pair == pair
    assert "Final interview: <time" in page


def test_bookings_for_user_lists_the_pairs_live_bookings(cohort, people, pair, other_pair):
    mine, theirs, cancelled = (
        make_slot(cohort),
        make_slot(cohort),
        make_slot(cohort, SlotKind.DROPIN),
    )
    _book(mine, pair, people[0])
    _book(theirs, other_pair, people[2])
    services.cancel_booking(booking=_book(cancelled, pair, people[0]), user=people[0])

    assert [b.slot for b in queries.bookings_for_user(cohort, people[1])] == [mine]


def test_publish_dropins_cuts_the_block(cohort):
    day = cohort.sprint_start + timedelta(days=1)

    created = services.publish_slots(
        cohort=cohort, kind=SlotKind.DROPIN, day=day, start=time(14), end=time(15), minutes=10
    )

    assert len(created) == 6
    assert [s.starts_at.astimezone(cohort.tzinfo).strftime("%H:%M") for s in created[:2]] == [
        "14:00",
        "14:10",
    ]
    again = services.publish_slots(
        cohort=cohort, kind=SlotKind.DROPIN, day=day, start=time(14), end=time(15, 20), minutes=10
    )
    assert len(again) == 2 and Slot.objects.count() == 8


@pytest.mark.parametrize(
    ("kind", "day_field", "minutes", "message"),
    [
        (SlotKind.DROPIN, "sprint_start", 15, "5 to 10 minutes"),
        (SlotKind.INTERVIEW, "interview_start", 30, "60 to 120 minutes"),
        (SlotKind.INTERVIEW, "sprint_start", 60, "interview days"),
        (SlotKind.DROPIN, "preparation_start", 10, "during the sprint"),
    ],
)
def test_publish_slots_refuses_wrong_lengths_and_days(cohort, kind, day_field, minutes, message):
    with pytest.raises(SprintError, match=message):
        services.publish_slots(
            cohort=cohort,
            kind=kind,
            day=getattr(cohort, day_field),
            start=time(9),
            end=time(12),
            minutes=minutes,
        )
