"""Fifty approvals race for a budget that fits ten: the row lock on the budget lets exactly ten
through and the others see that the money is gone. Needs PostgreSQL (real row locks and real
concurrent connections); SQLite serialises whole-database writes and cannot show this."""

import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cohort.models import Role
from compute import services
from compute.models import Claim, ClaimState
from compute.queries import ledger_for
from tests.concurrency import race
from tests.factories.cohort import CohortFactory, MembershipFactory, UserFactory
from tests.factories.compute import ClaimFactory, make_receipt

RACERS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_approvals_against_a_budget_for_ten_pass_exactly_ten(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks and concurrent connections (set DATABASE_URL)")

    def slow_ledger(**kwargs):
        # Widen the gap between reading what is left and writing the approval, so that
        # without the lock the racers would all read the same figure (they do: try it).
        figures = ledger_for(**kwargs)
        time.sleep(0.02)
        return figures

    monkeypatch.setattr(services, "ledger_for", slow_ledger)
    cohort = CohortFactory(compute_budget_usd=Decimal("500.00"))
    owner = UserFactory()
    MembershipFactory(cohort=cohort, user=owner, role=Role.PARTICIPANT)
    approver = UserFactory()
    MembershipFactory(cohort=cohort, user=approver, role=Role.OPERATIONS)
    claim_ids = []
    for n in range(RACERS):
        claim = ClaimFactory(
            cohort=cohort, owner=owner, amount=Decimal("50.00"), amount_usd=Decimal("50.00")
        )
        make_receipt(claim, data=f"receipt {n}".encode(), write=False)
        services.submit_claim(claim=claim, actor=owner)
        claim_ids.append(claim.pk)

    def approve(claim_id):
        try:
            services.approve_claim(claim_id=claim_id, actor=approver)
            return "approved"
        except services.OverBudget:
            return "over budget"
        except ValidationError as exc:
            return f"refused: {exc.messages}"
        except Exception as exc:
            return f"error: {exc!r}"

    outcomes = race([lambda pk=pk: approve(pk) for pk in claim_ids])

    tally: dict[str, int] = {}
    for outcome in outcomes:
        tally[outcome] = tally.get(outcome, 0) + 1
    ledger = ledger_for(cohort=cohort, user=owner)
    assert tally == {"approved": 10, "over budget": 40}
    assert Claim.objects.filter(state=ClaimState.APPROVED).count() == 10
    assert (ledger.approved, ledger.remaining) == (Decimal("500.00"), Decimal("0.00"))
