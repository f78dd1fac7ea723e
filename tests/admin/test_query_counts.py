"""The mentor's busiest lists cost the same number of queries for 1 row as for 30."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohort.models import Role
from tests.factories.cohort import MembershipFactory, UserFactory
from tests.factories.sprints import make_pair


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _participant(cohort):
    user = UserFactory()
    MembershipFactory(cohort=cohort, user=user, role=Role.PARTICIPANT)
    return user


@pytest.mark.parametrize(
    "changelist",
    ["sprints_pair", "participants_goalsanswer", "sprints_problemsubmission", "cohort_user"],
)
def test_changelist_queries_do_not_grow_with_rows(client, cohort, mentor, changelist):
    from sprints import services

    url = reverse(f"admin:{changelist}_changelist")
    client.force_login(mentor)

    def add_pairs(n):
        for _ in range(n):
            pair = make_pair(cohort, _participant(cohort), _participant(cohort))
            services.submit_problem(pair=pair, user=pair.members.first().user, title="A problem")

    add_pairs(1)
    _queries(client, url)  # the first admin page also builds the sidebar (cohort/admin_site.py)
    one = _queries(client, url)
    add_pairs(29)
    _queries(client, url)  # the new rows are drawn once (the pair list keeps them drawn)
    thirty = _queries(client, url)

    assert thirty == one
