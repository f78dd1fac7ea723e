from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cohort.models import Notification
from compute import services
from compute.models import AuditEntry, Claim, ClaimState, TopUpState
from compute.queries import ledger_for
from tests.factories.compute import ClaimFactory, TopUpFactory, make_receipt

D = Decimal


def _submitted(cohort, owner, usd="40.00", **kwargs):
    claim = ClaimFactory(cohort=cohort, owner=owner, amount=D(usd), amount_usd=D(usd), **kwargs)
    make_receipt(claim, write=False)
    services.submit_claim(claim=claim, actor=owner)
    claim.refresh_from_db()
    return claim


def test_submit_without_a_receipt_is_refused(cohort, participant):
    claim = ClaimFactory(cohort=cohort, owner=participant)

    with pytest.raises(ValidationError, match="at least one receipt"):
        services.submit_claim(claim=claim, actor=participant)

    claim.refresh_from_db()
    assert claim.state == ClaimState.DRAFT


def test_submit_twice_is_refused(cohort, participant):
    claim = _submitted(cohort, participant)

    with pytest.raises(ValidationError, match="submitted already"):
        services.submit_claim(claim=claim, actor=participant)


def test_submit_above_what_is_left_warns_by_how_much(cohort, participant):
    claim = ClaimFactory(cohort=cohort, owner=participant, amount_usd=D("520.00"))
    make_receipt(claim, write=False)

    result = services.submit_claim(claim=claim, actor=participant)

    assert result.over_by == D("20.00")
    assert result.claim.state == ClaimState.SUBMITTED


def test_submit_within_budget_does_not_warn(cohort, participant):
    claim = ClaimFactory(cohort=cohort, owner=participant, amount_usd=D("500.00"))
    make_receipt(claim, write=False)

    assert services.submit_claim(claim=claim, actor=participant).over_by is None


def test_approve_a_lower_amount_spends_only_that(cohort, participant, operations):
    claim = _submitted(cohort, participant, "40.00")

    services.approve_claim(claim_id=claim.pk, actor=operations, approved_usd=D("32.50"))

    claim.refresh_from_db()
    ledger = ledger_for(cohort=cohort, user=participant)
    assert (claim.state, claim.approved_usd, claim.decided_by) == (
        ClaimState.APPROVED,
        D("32.50"),
        operations,
    )
    assert (ledger.approved, ledger.pending, ledger.remaining) == (
        D("32.50"),
        D("0.00"),
        D("467.50"),
    )


def test_approve_over_what_is_left_is_refused_without_the_tick(cohort, participant, operations):
    first = _submitted(cohort, participant, "480.00")
    second = _submitted(cohort, participant, "30.00")
    services.approve_claim(claim_id=first.pk, actor=operations)

    with pytest.raises(services.OverBudget):
        services.approve_claim(claim_id=second.pk, actor=operations)

    second.refresh_from_db()
    assert second.state == ClaimState.SUBMITTED
    assert ledger_for(cohort=cohort, user=participant).remaining == D("20.00")


def test_approve_over_budget_needs_a_reason(cohort, participant, operations):
    claim = _submitted(cohort, participant, "510.00")

    with pytest.raises(ValidationError, match="Say why"):
        services.approve_claim(claim_id=claim.pk, actor=operations, over_budget=True)


def test_approve_over_budget_with_reason_goes_below_zero_and_is_recorded(
    cohort, participant, operations
):
    claim = _submitted(cohort, participant, "510.00")

    services.approve_claim(
        claim_id=claim.pk,
        actor=operations,
        over_budget=True,
        over_budget_reason="Agreed in advance with the mentor.",
    )

    claim.refresh_from_db()
    entry = claim.audit_entries.last()
    assert ledger_for(cohort=cohort, user=participant).remaining == D("-10.00")
    assert (claim.approved_over_budget, claim.over_budget_reason) == (
        True,
        "Agreed in advance with the mentor.",
    )
    assert (entry.action, entry.note) == (
        "approved over budget",
        "Agreed in advance with the mentor.",
    )


def test_reject_needs_a_reason_and_notifies(cohort, participant, operations):
    claim = _submitted(cohort, participant)

    with pytest.raises(ValidationError):
        services.reject_claim(claim_id=claim.pk, actor=operations, reason="  ")
    services.reject_claim(claim_id=claim.pk, actor=operations, reason="Not compute.")

    claim.refresh_from_db()
    note = Notification.objects.get(user=participant)
    assert (claim.state, claim.rejection_reason) == (ClaimState.REJECTED, "Not compute.")
    assert (note.kind, note.title, note.body) == (
        "compute.claim_decided",
        f"Your claim for {claim.vendor} was not approved",
        "Reason: Not compute.",
    )
    assert note.url == claim.get_absolute_url()


def test_approval_notifies_with_the_approved_amount(cohort, participant, operations):
    claim = _submitted(cohort, participant, "40.00")

    services.approve_claim(claim_id=claim.pk, actor=operations, approved_usd=D("35.00"))

    note = Notification.objects.get(user=participant)
    assert (note.kind, note.body) == (
        "compute.claim_decided",
        "35.00 USD approved (you claimed 40.00 USD).",
    )


def test_mark_paid_only_touches_approved_claims_of_the_cohort(
    cohort, other_cohort, participant, operations
):
    approved = _submitted(cohort, participant)
    services.approve_claim(claim_id=approved.pk, actor=operations)
    waiting = _submitted(cohort, participant, "10.00")
    elsewhere = ClaimFactory(
        cohort=other_cohort, owner=participant, state=ClaimState.APPROVED, approved_usd=D("5.00")
    )

    paid = services.mark_claims_paid(
        cohort=cohort, claim_ids=[approved.pk, waiting.pk, elsewhere.pk], actor=operations
    )

    states = dict(Claim.objects.values_list("pk", "state"))
    assert [c.pk for c in paid] == [approved.pk]
    assert states == {
        approved.pk: ClaimState.PAID,
        waiting.pk: ClaimState.SUBMITTED,
        elsewhere.pk: ClaimState.APPROVED,
    }


def test_every_change_is_recorded_with_who_and_old_and_new(cohort, participant, operations):
    claim = _submitted(cohort, participant, "40.00")
    services.approve_claim(claim_id=claim.pk, actor=operations, approved_usd=D("30.00"))
    services.mark_claims_paid(cohort=cohort, claim_ids=[claim.pk], actor=operations)

    trail = [(e.action, e.actor, e.changes) for e in AuditEntry.objects.filter(claim=claim)]

    assert trail == [
        ("submitted", participant, {"state": ["draft", "submitted"]}),
        (
            "approved",
            operations,
            {
                "state": ["submitted", "approved"],
                "approved_usd": ["", "30.00"],
                "amount_usd": ["40.00", "30.00"],
            },
        ),
        ("paid", operations, {"state": ["approved", "paid"]}),
    ]


def test_audit_entries_cannot_be_changed_or_deleted(cohort, participant):
    claim = _submitted(cohort, participant)
    entry = AuditEntry.objects.get(claim=claim)

    entry.action = "forged"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(claim=claim).update(action="forged")
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(claim=claim).delete()

    assert AuditEntry.objects.get(claim=claim).action == "submitted"


def test_top_up_in_part_adds_to_the_budget_and_notifies(cohort, participant, mentor):
    top_up = services.request_top_up(
        cohort=cohort, owner=participant, description="Longer sweep", estimate_usd=D("200.00")
    )

    services.decide_top_up(
        top_up_id=top_up.pk, actor=mentor, approved_usd=D("120.00"), comment="Half the hours first."
    )

    top_up.refresh_from_db()
    ledger = ledger_for(cohort=cohort, user=participant)
    note = Notification.objects.get(user=participant)
    assert (top_up.state, top_up.approved_usd) == (TopUpState.PARTLY, D("120.00"))
    assert (ledger.budget, ledger.remaining) == (D("620.00"), D("620.00"))
    assert (note.kind, note.title, note.body) == (
        "compute.top_up_decided",
        "120.00 USD added to your compute budget",
        "You asked for 200.00 USD. Half the hours first.",
    )


@pytest.mark.parametrize(
    ("approved", "state"),
    [
        ("0", TopUpState.DECLINED),
        ("100.00", TopUpState.APPROVED),
        ("0.01", TopUpState.PARTLY),
    ],
)
def test_top_up_decision_state_follows_the_amount(cohort, participant, mentor, approved, state):
    top_up = TopUpFactory(cohort=cohort, owner=participant, estimate_usd=D("100.00"))

    services.decide_top_up(top_up_id=top_up.pk, actor=mentor, approved_usd=D(approved))

    top_up.refresh_from_db()
    assert top_up.state == state


def test_top_up_above_the_estimate_or_twice_is_refused(cohort, participant, mentor):
    top_up = TopUpFactory(cohort=cohort, owner=participant, estimate_usd=D("100.00"))

    with pytest.raises(ValidationError, match="between 0 and the estimate"):
        services.decide_top_up(top_up_id=top_up.pk, actor=mentor, approved_usd=D("100.01"))
    services.decide_top_up(top_up_id=top_up.pk, actor=mentor, approved_usd=D("50.00"))
    with pytest.raises(ValidationError, match="decided already"):
        services.decide_top_up(top_up_id=top_up.pk, actor=mentor, approved_usd=D("50.00"))


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": D("0.00")},
        {"amount_usd": D("-1.00")},
        {"state": ClaimState.APPROVED},  # approved without an amount
        {"state": ClaimState.REJECTED},  # rejected without a reason
        {"approved_over_budget": True},  # over budget without a reason
        {"state": ClaimState.PAID, "approved_usd": D("5.00")},  # paid without a date
        {"currency": "JPY"},
    ],
    ids=[
        "zero",
        "negative-usd",
        "approved-no-amount",
        "rejected-no-reason",
        "over-no-reason",
        "paid-no-date",
        "currency",
    ],
)
def test_database_refuses_inconsistent_claims(cohort, participant, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(cohort=cohort, owner=participant, **fields)


def test_database_refuses_a_top_up_approved_above_its_estimate(cohort, participant):
    with pytest.raises(IntegrityError), transaction.atomic():
        TopUpFactory(
            cohort=cohort,
            owner=participant,
            estimate_usd=D("10.00"),
            state=TopUpState.PARTLY,
            approved_usd=D("11.00"),
        )
