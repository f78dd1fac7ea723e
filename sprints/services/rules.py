"""What every sprints service shares: its errors, the row locks, who is in which pair."""

from datetime import datetime

from cohort.models import Cohort, Membership, Role, User
from sprints import queries
from sprints.models import (
    Pair,
    PairMember,
)


class SprintError(Exception):
    """A rule refused the action; the message is meant for the person who tried it."""


class SelectionFull(SprintError):
    pass


CLOSED_MESSAGE = "Sprint pairs closed when the sprint started; ask the mentor for any change."


def refuse_after_start(cohort: Cohort, now: datetime | None = None) -> None:
    if queries.sprint_has_started(cohort, now):
        raise SprintError(CLOSED_MESSAGE)


def lock_people(cohort: Cohort, user_ids) -> None:
    """Lock the memberships of these people, always in the same order so that racing requests
    queue behind each other instead of deadlocking."""
    list(
        Membership.objects.select_for_update()
        .filter(cohort=cohort, user_id__in=sorted(set(user_ids)))
        .order_by("user_id")
        .values_list("pk", flat=True)
    )


def is_seated(cohort: Cohort, user_id: int) -> bool:
    return queries.in_a_pair(cohort, user_id)


def member_ids(pair: Pair) -> set[int]:
    return set(PairMember.objects.filter(pair=pair, active=True).values_list("user_id", flat=True))


def require_member(pair: Pair, user: User) -> None:
    if pair.dissolved_at is not None or user.pk not in member_ids(pair):
        raise SprintError("This is not your pair.")


def is_participant(cohort: Cohort, user: User) -> bool:
    return Membership.objects.filter(cohort=cohort, user=user, role=Role.PARTICIPANT).exists()
