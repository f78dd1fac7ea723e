"""The work list tests' round (START's dates) and how they put people into it."""

from datetime import date, datetime

from cohort.models import Role
from cohort.worklist import build_work_list
from participants.models import GoalsAnswer
from tests.factories.cohort import MembershipFactory, UserFactory

START = date(2027, 2, 1)  # goals due Wed 3 Feb, partners by Fri 19 Feb, sprint 22 Feb - 5 Mar,
# interviews 6-7 Mar (cohort.timeline.round_dates).
LONDON_NOON = "12:00:00+00:00"


def at(day: str, clock: str = LONDON_NOON) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}")


def join(cohort, name="", **fields):
    user = UserFactory(name=name, **fields) if name else UserFactory(**fields)
    MembershipFactory(cohort=cohort, user=user, role=Role.PARTICIPANT)
    return user


def submit_goals(cohort, user, late=False):
    GoalsAnswer.objects.filter(membership__cohort=cohort, membership__user=user).update(
        hopes="Learn", submitted_at=at("2027-02-02"), is_late=late
    )


def risk_people(cohort, key, now) -> tuple[bool, set[int]]:
    rule = build_work_list(cohort, now).risk(key)
    return rule.applies, set(rule.user_ids)
