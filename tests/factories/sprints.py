from datetime import datetime, time, timedelta

from cohort.models import Role
from sprints.models import (
    Booking,
    Idea,
    IdeaCategory,
    Pair,
    PairInvitation,
    PairMember,
    Slot,
    SlotKind,
)


def make_pair(cohort, *users, **fields) -> Pair:
    """A pair of these people, straight into the database (services are tested separately)."""
    pair = Pair.objects.create(cohort=cohort, is_solo=len(users) == 1, **fields)
    for slot, user in enumerate(users, start=1):
        PairMember.objects.create(pair=pair, cohort=cohort, user=user, slot=slot)
    return pair


def make_slot(cohort, kind=SlotKind.INTERVIEW, starts_at=None, minutes=None) -> Slot:
    if starts_at is None:
        day = cohort.interview_start if kind == SlotKind.INTERVIEW else cohort.sprint_start
        offset = Slot.objects.filter(cohort=cohort, kind=kind).count()
        starts_at = datetime.combine(day, time(9), tzinfo=cohort.tzinfo) + timedelta(hours=offset)
    minutes = minutes or (60 if kind == SlotKind.INTERVIEW else 10)
    return Slot.objects.create(
        cohort=cohort,
        kind=kind,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
    )


def make_idea(cohort, title="An idea", difficulty="A", kind="both", category=None) -> Idea:
    category = category or IdeaCategory.objects.filter(cohort=cohort).first()
    return Idea.objects.create(
        cohort=cohort,
        title=title,
        description="Some **markdown**.",
        category=category,
        difficulty=difficulty,
        kind=kind,
    )


def sprint_records(cohort, participant, make_member) -> dict:
    """Records the permission matrix needs: an invitation to the participant, a slot and a
    booking of another pair."""
    inviter = make_member(Role.PARTICIPANT)
    a, b = make_member(Role.PARTICIPANT), make_member(Role.PARTICIPANT)
    pair = make_pair(cohort, a, b)
    slot = make_slot(cohort)
    booked = make_slot(cohort)
    return {
        "pair_invitation": PairInvitation.objects.create(
            cohort=cohort, from_user=inviter, to_user=participant
        ),
        "slot": slot,
        "booking": Booking.objects.create(slot=booked, pair=pair, kind=booked.kind),
    }
