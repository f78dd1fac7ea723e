"""Races that matter when two TAs (or two clicks) act at once. They need a database that lets
two connections write at the same time, so they run on PostgreSQL (CI) and skip on SQLite."""

import pytest
from django.db import connection

from cohort.models import Role
from participants import services
from participants.models import HelpRequest, HelpState
from tests.concurrency import race
from tests.factories.cohort import MembershipFactory
from tests.factories.participants import HelpRequestFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
)


@pytest.mark.django_db(transaction=True)
def test_help_claim_race_has_exactly_one_winner(cohort):
    tas = [MembershipFactory(cohort=cohort, role=Role.TA).user for _ in range(8)]
    requester = MembershipFactory(cohort=cohort, role=Role.PARTICIPANT).user
    request = HelpRequestFactory(cohort=cohort, requester=requester)

    wins = race([lambda ta=ta: services.claim_help_request(request=request, ta=ta) for ta in tas])

    request = HelpRequest.objects.get(pk=request.pk)
    assert wins.count(True) == 1
    assert (request.state, request.claimed_by) == (HelpState.CLAIMED, tas[wins.index(True)])
