"""Cohorts of the work list tests: the round under test and a second one that must not leak."""

import pytest

from cohort.models import Role
from participants.models import HelpRequest
from tests.cohort.work_list_helpers import START, at
from tests.factories.cohort import CohortFactory, MembershipFactory


@pytest.fixture
def round_cohort(db):
    return CohortFactory(slug="round", name="Round", preparation_start=START)


@pytest.fixture
def second_cohort(db):
    """Another cohort with the same dates and people who are late on everything: nothing of it
    may appear in the first cohort's lists."""
    other = CohortFactory(slug="second", name="Second", preparation_start=START)
    for _ in range(3):
        MembershipFactory(cohort=other, role=Role.PARTICIPANT)
    person = other.memberships.first().user
    HelpRequest.objects.create(
        cohort=other, requester=person, topic="Theirs", created_at=at("2027-02-01")
    )
    return other
