"""Property: whatever happens, in whatever order, the ledger is the budget plus approved top-ups
minus approved claims, and it only goes below zero when someone ticked "approve over budget"."""

import uuid
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compute import services
from compute.models import Claim, ClaimState
from compute.queries import claims_of, ledger_for, ledger_of, top_ups_of
from tests.factories.cohort import MembershipFactory, UserFactory
from tests.factories.compute import ClaimFactory, make_receipt

CENT = Decimal("0.01")
cents = st.integers(min_value=1, max_value=40_000).map(lambda n: Decimal(n) * CENT)

operation = st.one_of(
    st.tuples(st.just("submit"), cents),
    st.tuples(st.just("approve"), st.integers(0, 50), st.integers(1, 100), st.booleans()),
    st.tuples(st.just("reject"), st.integers(0, 50)),
    st.tuples(st.just("pay"), st.integers(0, 50)),
    st.tuples(st.just("top_up"), cents, st.integers(0, 100), st.booleans()),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=14))
def test_ledger_is_budget_plus_top_ups_minus_approved_claims(cohort, operations):
    owner = UserFactory()
    MembershipFactory(cohort=cohort, user=owner)
    staff = UserFactory()
    top_ups_total = Decimal("0.00")
    approved_total = Decimal("0.00")
    forced_below_zero = False
    claims: list[Claim] = []

    for op in operations:
        kind = op[0]
        remaining = cohort.compute_budget_usd + top_ups_total - approved_total
        if kind == "submit":
            claim = ClaimFactory(cohort=cohort, owner=owner, amount=op[1], amount_usd=op[1])
            make_receipt(claim, data=uuid.uuid4().bytes, write=False)
            services.submit_claim(claim=claim, actor=owner)
            claims.append(claim)
        elif kind == "approve" and claims:
            claim = claims[op[1] % len(claims)]
            claim.refresh_from_db()
            amount = max(CENT, (claim.amount_usd * op[2] / 100).quantize(CENT))
            over = op[3]
            if claim.state != ClaimState.SUBMITTED:
                continue
            try:
                services.approve_claim(
                    claim_id=claim.pk,
                    actor=staff,
                    approved_usd=amount,
                    over_budget=over,
                    over_budget_reason="Agreed in advance." if over else "",
                )
            except services.OverBudget:
                assert amount > remaining and not over
            else:
                assert amount <= remaining or over
                forced_below_zero |= amount > remaining
                approved_total += amount
        elif kind == "reject" and claims:
            claim = claims[op[1] % len(claims)]
            claim.refresh_from_db()
            if claim.state == ClaimState.SUBMITTED:
                services.reject_claim(claim_id=claim.pk, actor=staff, reason="Not covered.")
        elif kind == "pay" and claims:
            services.mark_claims_paid(
                cohort=cohort, claim_ids=[claims[op[1] % len(claims)].pk], actor=staff
            )
        elif kind == "top_up":
            top_up = services.request_top_up(
                cohort=cohort, owner=owner, description="More", estimate_usd=op[1]
            )
            if op[3]:  # decided at once; otherwise it waits and adds nothing
                approved = (op[1] * op[2] / 100).quantize(CENT)
                services.decide_top_up(top_up_id=top_up.pk, actor=staff, approved_usd=approved)
                top_ups_total += approved

        ledger = ledger_for(cohort=cohort, user=owner)
        pending = sum(
            (c.amount_usd for c in Claim.objects.filter(owner=owner, state=ClaimState.SUBMITTED)),
            Decimal("0.00"),
        )
        assert ledger.budget == cohort.compute_budget_usd + top_ups_total
        assert ledger.approved == approved_total
        assert ledger.remaining == cohort.compute_budget_usd + top_ups_total - approved_total
        assert ledger.pending == pending
        assert ledger.remaining >= 0 or forced_below_zero
        # The budget page sums the lists it shows instead: the same figures.
        listed = ledger_of(
            cohort=cohort,
            claims=list(claims_of(cohort=cohort, user=owner)),
            top_ups=list(top_ups_of(cohort=cohort, user=owner)),
        )
        assert listed == ledger
