"""Races with real threads and real transactions on PostgreSQL (SQLite has no row locks)."""

from collections import Counter
from itertools import combinations

import pytest
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.urls import reverse

from cohort.models import Role
from sprints import services
from sprints.models import Booking, Decision, PairInvitation, PairMember, Selection
from sprints.services import SprintError
from tests.concurrency import race
from tests.factories.sprints import make_pair, make_slot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks and concurrent transactions need PostgreSQL; SQLite serialises writes",
    ),
]


def _race(jobs):
    """Run every job in its own thread and connection, all released at once: a SprintError is
    a job's result; anything else (deadlock, integrity) is a bug, listed in the errors."""
    outcomes = race(jobs, returning=(Exception,))
    bugs = [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, SprintError)]
    return [o for o in outcomes if o not in bugs], [repr(bug) for bug in bugs]


def test_racing_acceptances_leave_everyone_in_at_most_one_pair(cohort, make_member):
    """Every one of 28 invitations among 8 people is accepted at once, through the real view."""
    people = [make_member(Role.PARTICIPANT) for _ in range(8)]
    invitations = [
        PairInvitation.objects.create(cohort=cohort, from_user=a, to_user=b)
        for a, b in combinations(people, 2)
    ]
    jobs = []
    for inv in invitations:
        client = Client()
        client.force_login(inv.to_user)
        url = reverse("sprints:accept", kwargs={"slug": cohort.slug, "pk": inv.pk})
        jobs.append(lambda client=client, url=url: client.post(url).status_code)

    results, errors = _race(jobs)

    seats = PairMember.objects.filter(cohort=cohort, active=True)
    per_person = Counter(seats.values_list("user_id", flat=True))
    per_pair = Counter(seats.values_list("pair_id", flat=True))
    accepted = PairInvitation.objects.filter(state="accepted").count()
    print(
        f"\n[concurrency] {len(jobs)} racing acceptances: {len(per_pair)} pairs formed, "
        f"{len(jobs) - accepted} refused, {len(errors)} errors"
    )
    assert errors == []
    assert results == [302] * len(jobs)
    assert max(per_person.values()) == 1
    assert set(per_pair.values()) == {2}
    assert accepted == len(per_pair) >= 1
    seated = set(per_person)
    assert not PairInvitation.objects.filter(
        Q(from_user__in=seated) | Q(to_user__in=seated), state="pending"
    ).exists()


def test_racing_bookings_of_one_slot_book_it_once(cohort, make_member):
    pairs = [
        make_pair(cohort, make_member(Role.PARTICIPANT), make_member(Role.PARTICIPANT))
        for _ in range(10)
    ]
    slot = make_slot(cohort)
    jobs = [
        (
            lambda pair=pair: services.book_slot(
                slot_id=slot.pk, pair=pair, user=pair.members.first().user
            )
        )
        for pair in pairs
    ]

    results, errors = _race(jobs)

    booked = [r for r in results if isinstance(r, Booking)]
    print(f"\n[concurrency] 10 pairs booking one slot: {len(booked)} booked, {len(errors)} errors")
    assert errors == []
    assert len(booked) == 1
    assert Booking.objects.filter(slot=slot, cancelled_at__isnull=True).count() == 1


def test_racing_dropin_bookings_of_one_pair_respect_the_limit(cohort, make_member):
    a, b = make_member(Role.PARTICIPANT), make_member(Role.PARTICIPANT)
    pair = make_pair(cohort, a, b)
    slots = [make_slot(cohort, "dropin") for _ in range(6)]
    jobs = [
        (lambda slot=slot, who=who: services.book_slot(slot_id=slot.pk, pair=pair, user=who))
        for slot, who in zip(slots, [a, b] * 3, strict=True)
    ]

    _results, errors = _race(jobs)

    assert errors == []
    assert Booking.objects.filter(pair=pair, cancelled_at__isnull=True).count() == 1


def test_racing_selections_never_pass_the_cap(cohort, make_member):
    people = [make_member(Role.PARTICIPANT) for _ in range(14)]
    jobs = [
        (
            lambda person=person: services.decide_selection(
                cohort=cohort, user=person, decision=Decision.SELECTED
            )
        )
        for person in people
    ]

    results, errors = _race(jobs)

    refused = [r for r in results if isinstance(r, SprintError)]
    print(f"\n[concurrency] 14 racing selections: 8 places, {len(refused)} refused")
    assert errors == []
    assert Selection.objects.filter(cohort=cohort, decision=Decision.SELECTED).count() == 8
    assert len(refused) == 6
