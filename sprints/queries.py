"""Reads of the sprints app used by more than one caller."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from cohort.models import Cohort, Membership, Role, User
from participants.queries import WITHDRAWN_FROM_PROGRAM, ta_of
from sprints.models import (
    Booking,
    DateShiftEntry,
    DateShiftRequest,
    Idea,
    IdeaCategory,
    Pair,
    PairInvitation,
    PairMember,
    ProblemState,
    RequestState,
    SprintSettings,
)


def settings_for(cohort: Cohort) -> SprintSettings:
    """The cohort's sprint rules, created with their defaults on first use."""
    found, _ = SprintSettings.objects.get_or_create(cohort=cohort)
    return found


def seats(cohort: Cohort) -> QuerySet[PairMember]:
    """The one definition of "in a pair": an active seat of a pair that is not dissolved. A
    solo sprint is a pair of one, so its person is in a pair too."""
    return PairMember.objects.filter(cohort=cohort, active=True, pair__dissolved_at__isnull=True)


def in_a_pair(cohort: Cohort, user_id: int) -> bool:
    return seats(cohort).filter(user_id=user_id).exists()


def invitable_participants(cohort: Cohort) -> QuerySet[User]:
    """The one place that decides who can be invited to a sprint pair: participants of the
    cohort who are not in an active pair or a solo sprint.

    Who has withdrawn from the program cannot be invited either.
    """
    seated = seats(cohort).values("user_id")
    withdrawn = (
        Membership.objects.filter(cohort=cohort).filter(WITHDRAWN_FROM_PROGRAM).values("user_id")
    )
    return (
        User.objects.filter(memberships__cohort=cohort, memberships__role=Role.PARTICIPANT)
        .exclude(pk__in=seated)
        .exclude(pk__in=withdrawn)
        .order_by("name", "email")
    )


def active_pairs(cohort: Cohort) -> QuerySet[Pair]:
    return (
        Pair.objects.filter(cohort=cohort, dissolved_at__isnull=True)
        .select_related("ta", "current_problem__idea__category")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=PairMember.objects.filter(active=True).select_related("user"),
                to_attr="active_members",
            )
        )
    )


def pair_of(cohort: Cohort, user: User) -> Pair | None:
    """The active pair (or solo sprint) of a person, with what the sprint page shows."""
    return (
        active_pairs(cohort)
        .filter(pk__in=seats(cohort).filter(user=user).values("pair_id"))
        .first()
    )


def pair_ta(pair: Pair):
    """The pair's TA: the one the mentor assigned to the pair, else a member's own TA."""
    if pair.ta is not None:
        return pair.ta
    tas = ta_of(pair.cohort, [m.user_id for m in pair.active_members])
    return next(iter(tas.values()), None)


def pair_status_by_user(cohort: Cohort, user_ids) -> dict[int, str]:
    """For each person in an active pair: "with <partner>" or "solo" (one query)."""
    their_pairs = seats(cohort).filter(user_id__in=user_ids).values("pair_id")
    rows = seats(cohort).filter(pair_id__in=their_pairs).select_related("user")
    by_pair: dict[int, list] = {}
    for seat in rows:
        by_pair.setdefault(seat.pair_id, []).append(seat)
    status = {}
    for pair_seats in by_pair.values():
        for seat in pair_seats:
            others = [s.user.display_name for s in pair_seats if s.user_id != seat.user_id]
            status[seat.user_id] = f"with {others[0]}" if others else "solo"
    return status


def pending_invitations(cohort: Cohort, user: User) -> dict[str, list[PairInvitation]]:
    rows = PairInvitation.objects.filter(
        Q(from_user=user) | Q(to_user=user), cohort=cohort, state="pending"
    ).select_related("from_user", "to_user", "suggested_by")
    received = [i for i in rows if i.to_user_id == user.pk]
    sent = [i for i in rows if i.from_user_id == user.pk]
    return {"received": received, "sent": sent}


def ideas_with_pair_counts(cohort: Cohort) -> QuerySet[Idea]:
    """Ideas with `pair_count`: active pairs whose current problem is this idea."""
    chosen = Q(
        submissions__current_for__isnull=False,
        submissions__current_for__dissolved_at__isnull=True,
    )
    return (
        Idea.objects.filter(cohort=cohort)
        .select_related("category")
        .annotate(pair_count=Count("submissions__current_for", filter=chosen, distinct=True))
    )


def categories(cohort: Cohort) -> QuerySet[IdeaCategory]:
    return IdeaCategory.objects.filter(cohort=cohort)


@dataclass(frozen=True)
class MemberDates:
    user: User
    start: date
    end: date
    shifted: bool


def sprint_dates(pair: Pair, members: list[PairMember] | None = None) -> list[MemberDates]:
    """Each member's sprint dates: the approved alternative dates when there are some."""
    cohort = pair.cohort
    members = members if members is not None else list(pair.members.filter(active=True))
    approved = (
        DateShiftRequest.objects.filter(pair=pair, state=RequestState.APPROVED)
        .order_by("-decided_at", "-id")
        .first()
    )
    shifted = {}
    if approved is not None:
        shifted = {e.user_id: e for e in DateShiftEntry.objects.filter(request=approved)}
    result = []
    for member in members:
        entry = shifted.get(member.user_id)
        if entry is None:
            result.append(MemberDates(member.user, cohort.sprint_start, cohort.sprint_end, False))
        else:
            result.append(MemberDates(member.user, entry.start_date, entry.end_date, True))
    return result


def bookings_of_pair(pair: Pair) -> QuerySet[Booking]:
    return Booking.objects.filter(pair=pair, cancelled_at__isnull=True).select_related("slot")


def bookings_for_user(cohort: Cohort, user: User) -> QuerySet[Booking]:
    """Live bookings of the person's active pair, for the events app's personal calendar feed.

    Integration point: the events app's iCalendar feed includes these (slot.starts_at, ends_at).
    """
    return (
        Booking.objects.filter(
            slot__cohort=cohort,
            cancelled_at__isnull=True,
            pair_id__in=seats(cohort).filter(user=user).values("pair_id"),
        )
        .select_related("slot")
        .order_by("slot__starts_at")
    )


def sprint_has_started(cohort: Cohort, now=None) -> bool:
    return (now or timezone.now()) >= cohort.start_of(cohort.sprint_start)


def problem_counts(cohort: Cohort) -> dict[str, int]:
    rows = (
        Pair.objects.filter(cohort=cohort, dissolved_at__isnull=True)
        .values("current_problem__state")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(ProblemState.values, 0)
    for row in rows:
        if row["current_problem__state"]:
            counts[row["current_problem__state"]] = row["n"]
    return counts


def pairs_for_ta(cohort: Cohort, ta: User | None, user_ids) -> list[Pair]:
    """Active pairs a TA looks after (theirs, or with one of their people); all for ta=None.

    Each pair carries `seats` (its active members, users loaded) and `interview_booked`.
    """
    pairs = Pair.objects.filter(cohort=cohort, dissolved_at__isnull=True)
    if ta is not None:
        pairs = pairs.filter(
            Q(ta=ta) | Q(members__user_id__in=list(user_ids), members__active=True)
        ).distinct()
    return list(
        pairs.select_related("current_problem", "ta")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=PairMember.objects.filter(active=True).select_related("user"),
                to_attr="seats",
            )
        )
        .annotate(
            interview_booked=Count(
                "bookings",
                filter=Q(bookings__kind="interview", bookings__cancelled_at__isnull=True),
                distinct=True,
            )
        )
        .order_by("formed_at", "id")
    )


def suggestion_history(cohort: Cohort):
    """Invitations sent from the mentor's suggestions, newest first, and the skipped pairings."""
    from sprints.models import SuggestionSkip

    sent = list(
        PairInvitation.objects.filter(cohort=cohort, suggested_by__isnull=False)
        .select_related("from_user", "to_user", "suggested_by")
        .order_by("-created_at", "-id")
    )
    skipped = list(
        SuggestionSkip.objects.filter(cohort=cohort).select_related("first", "second", "skipped_by")
    )
    return sent, skipped
