"""Writes of the compute app. Every decision about money locks the person's budget row first,
so that two approvals racing for the same last dollars run one after the other."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from cohort.models import Cohort, User
from compute import notifications, receipts
from compute.models import (
    AuditEntry,
    Claim,
    ClaimState,
    ComputeBudget,
    Receipt,
    TopUpRequest,
    TopUpState,
)
from compute.queries import ledger_for

CLAIM_FIELDS = ("spent_on", "vendor", "category", "description", "amount", "currency", "amount_usd")


class OverBudget(ValidationError):
    """The approval would take the person's remaining budget below zero."""


@dataclass
class SubmitResult:
    claim: Claim
    over_by: Decimal | None = None  # set when the claim is more than what is left


def _text(value) -> str:
    return "" if value is None else str(value)


def _record(*, claim=None, top_up=None, actor, action, changes=None, note="") -> AuditEntry:
    target = claim or top_up
    return AuditEntry.objects.create(
        cohort_id=target.cohort_id,
        claim=claim,
        top_up=top_up,
        actor=actor,
        action=action,
        changes={field: [_text(old), _text(new)] for field, (old, new) in (changes or {}).items()},
        note=note,
    )


def lock_budget(*, cohort: Cohort, user: User) -> ComputeBudget:
    """The person's budget row, created if missing and locked until the transaction ends."""
    ComputeBudget.objects.get_or_create(cohort=cohort, user=user)
    return ComputeBudget.objects.select_for_update().get(cohort=cohort, user=user)


def _store_receipts(*, claim: Claim, checked: list, written: list[str]) -> list[Receipt]:
    stored = []
    for item in checked:
        name = receipts.new_stored_name(item.kind)
        try:
            with transaction.atomic():
                receipt = Receipt.objects.create(
                    claim=claim,
                    owner_id=claim.owner_id,
                    stored_name=name,
                    original_name=item.original_name,
                    kind=item.kind,
                    size=item.size,
                    sha256=item.sha256,
                )
        except IntegrityError as exc:
            raise ValidationError(
                f"You have uploaded {item.original_name} before: the same receipt cannot be "
                "claimed twice."
            ) from exc
        receipts.write_file(name, item.data)
        written.append(name)
        stored.append(receipt)
    return stored


def _with_file_cleanup(work):
    """Run `work(written)` in a transaction; files it wrote are removed if it fails."""
    written: list[str] = []
    try:
        with transaction.atomic():
            return work(written)
    except BaseException:
        for name in written:
            receipts.remove_file(name)
        raise


def create_claim(*, cohort: Cohort, owner: User, data: dict, checked_receipts: list) -> Claim:
    """Create a draft claim with its receipts; writes the receipt files privately."""

    def work(written):
        claim = Claim.objects.create(
            cohort=cohort, owner=owner, **{f: data[f] for f in CLAIM_FIELDS}
        )
        _store_receipts(claim=claim, checked=checked_receipts, written=written)
        _record(
            claim=claim,
            actor=owner,
            action="created",
            changes={f: (None, data[f]) for f in ("amount", "currency", "amount_usd")},
        )
        return claim

    return _with_file_cleanup(work)


def update_claim(*, claim: Claim, actor: User, data: dict, checked_receipts: list) -> Claim:
    """Change a draft claim and add receipts; records the changed fields."""

    def work(written):
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.state != ClaimState.DRAFT:
            raise ValidationError("Only a draft claim can be changed.")
        changes = {}
        for field in CLAIM_FIELDS:
            old, new = getattr(locked, field), data[field]
            if old != new:
                changes[field] = (old, new)
                setattr(locked, field, new)
        locked.save()
        added = _store_receipts(claim=locked, checked=checked_receipts, written=written)
        if added:
            changes["receipts"] = ("", ", ".join(r.original_name for r in added))
        if changes:
            _record(claim=locked, actor=actor, action="edited", changes=changes)
        return locked

    return _with_file_cleanup(work)


def delete_receipt(*, receipt: Receipt, actor: User) -> None:
    """Remove a receipt from a draft claim, and its file after commit."""
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=receipt.claim_id)
        if claim.state != ClaimState.DRAFT:
            raise ValidationError("Receipts can only be removed from a draft claim.")
        name = receipt.stored_name
        _record(
            claim=claim,
            actor=actor,
            action="receipt removed",
            changes={"receipts": (receipt.original_name, "")},
        )
        receipt.delete()
        transaction.on_commit(lambda: receipts.remove_file(name))


def submit_claim(*, claim: Claim, actor: User) -> SubmitResult:
    """Send a draft claim for review; says by how much it exceeds what is left, if it does."""
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.state != ClaimState.DRAFT:
            raise ValidationError("This claim has been submitted already.")
        if not locked.receipts.exists():
            raise ValidationError("Add at least one receipt before submitting.")
        if locked.amount <= 0 or locked.amount_usd <= 0:
            raise ValidationError("The amount must be above zero.")
        locked.state = ClaimState.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["state", "submitted_at"])
        _record(
            claim=locked,
            actor=actor,
            action="submitted",
            changes={"state": (ClaimState.DRAFT, ClaimState.SUBMITTED)},
        )
        left = ledger_for(cohort=locked.cohort, user=locked.owner).remaining
        # What is left already excludes pending claims; this one must fit in it.
        over_by = locked.amount_usd - left if locked.amount_usd > left else None
    return SubmitResult(claim=locked, over_by=over_by)


def approve_claim(
    *,
    claim_id: int,
    actor: User,
    approved_usd: Decimal | None = None,
    over_budget: bool = False,
    over_budget_reason: str = "",
    note: str = "",
) -> Claim:
    """Approve a submitted claim, possibly for less; refuses to overspend unless told to with a
    reason. Locks the owner's budget row; records the change and notifies the owner."""
    with transaction.atomic():
        claim = Claim.objects.select_related("cohort", "owner").get(pk=claim_id)
        lock_budget(cohort=claim.cohort, user=claim.owner)
        claim = (
            Claim.objects.select_for_update(of=("self",))
            .select_related("cohort", "owner")
            .get(pk=claim_id)
        )
        if claim.state != ClaimState.SUBMITTED:
            raise ValidationError(
                "Only a submitted claim can be approved "
                f"(this one is {claim.get_state_display().lower()})."
            )
        amount = claim.amount_usd if approved_usd is None else approved_usd
        if amount <= 0:
            raise ValidationError(
                "The approved amount must be above zero; reject the claim instead."
            )
        over_budget_reason = over_budget_reason.strip()
        remaining = ledger_for(cohort=claim.cohort, user=claim.owner).remaining
        if amount > remaining:
            if not over_budget:
                raise OverBudget(
                    f"Approving {amount} USD would leave {remaining - amount} USD: tick "
                    '"approve over budget" and give a reason to do it anyway.'
                )
            if not over_budget_reason:
                raise ValidationError("Say why this claim is approved over budget.")
        else:
            over_budget, over_budget_reason = False, ""
        changes = {"state": (claim.state, ClaimState.APPROVED), "approved_usd": (None, amount)}
        if amount != claim.amount_usd:
            changes["amount_usd"] = (claim.amount_usd, amount)
        claim.state = ClaimState.APPROVED
        claim.approved_usd = amount
        claim.approved_over_budget = over_budget
        claim.over_budget_reason = over_budget_reason
        claim.decided_by = actor
        claim.decided_at = timezone.now()
        claim.save()
        _record(
            claim=claim,
            actor=actor,
            action="approved over budget" if over_budget else "approved",
            changes=changes,
            note="\n".join(filter(None, [note.strip(), over_budget_reason])),
        )
        notifications.notify_claim_decided(claim)
    return claim


def reject_claim(*, claim_id: int, actor: User, reason: str) -> Claim:
    """Reject a submitted claim with a reason; records it and notifies the owner."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give a reason for the rejection.")
    with transaction.atomic():
        claim = (
            Claim.objects.select_for_update(of=("self",))
            .select_related("cohort", "owner")
            .get(pk=claim_id)
        )
        if claim.state != ClaimState.SUBMITTED:
            raise ValidationError("Only a submitted claim can be rejected.")
        claim.state = ClaimState.REJECTED
        claim.rejection_reason = reason
        claim.decided_by = actor
        claim.decided_at = timezone.now()
        claim.save()
        _record(
            claim=claim,
            actor=actor,
            action="rejected",
            changes={"state": (ClaimState.SUBMITTED, ClaimState.REJECTED)},
            note=reason,
        )
        notifications.notify_claim_decided(claim)
    return claim


def mark_claims_paid(*, cohort: Cohort, claim_ids: list[int], actor: User) -> list[Claim]:
    """Mark approved claims of a cohort as paid; others are left alone. Records each."""
    paid = []
    with transaction.atomic():
        claims = (
            Claim.objects.select_for_update()
            .filter(cohort=cohort, pk__in=claim_ids, state=ClaimState.APPROVED)
            .order_by("pk")
        )
        at = timezone.now()
        for claim in claims:
            claim.state = ClaimState.PAID
            claim.paid_at = at
            claim.paid_by = actor
            claim.save(update_fields=["state", "paid_at", "paid_by"])
            _record(
                claim=claim,
                actor=actor,
                action="paid",
                changes={"state": (ClaimState.APPROVED, ClaimState.PAID)},
            )
            paid.append(claim)
    return paid


def request_top_up(
    *, cohort: Cohort, owner: User, description: str, estimate_usd: Decimal
) -> TopUpRequest:
    """Ask for more budget; records the request."""
    with transaction.atomic():
        top_up = TopUpRequest.objects.create(
            cohort=cohort, owner=owner, description=description, estimate_usd=estimate_usd
        )
        _record(
            top_up=top_up,
            actor=owner,
            action="requested",
            changes={"estimate_usd": (None, estimate_usd)},
        )
    return top_up


def decide_top_up(
    *, top_up_id: int, actor: User, approved_usd: Decimal, comment: str = ""
) -> TopUpRequest:
    """Approve all, part or none of a top-up; the approved amount joins the budget. Locks the
    owner's budget row, records the decision and notifies the owner."""
    with transaction.atomic():
        top_up = TopUpRequest.objects.select_related("cohort", "owner").get(pk=top_up_id)
        lock_budget(cohort=top_up.cohort, user=top_up.owner)
        top_up = (
            TopUpRequest.objects.select_for_update(of=("self",))
            .select_related("cohort", "owner")
            .get(pk=top_up_id)
        )
        if top_up.state != TopUpState.PENDING:
            raise ValidationError("This request has been decided already.")
        if approved_usd < 0 or approved_usd > top_up.estimate_usd:
            raise ValidationError(
                f"Approve between 0 and the estimate of {top_up.estimate_usd} USD."
            )
        if approved_usd == 0:
            state = TopUpState.DECLINED
        elif approved_usd == top_up.estimate_usd:
            state = TopUpState.APPROVED
        else:
            state = TopUpState.PARTLY
        top_up.state = state
        top_up.approved_usd = approved_usd
        top_up.comment = comment.strip()
        top_up.decided_by = actor
        top_up.decided_at = timezone.now()
        top_up.save()
        _record(
            top_up=top_up,
            actor=actor,
            action="decided",
            changes={"state": (TopUpState.PENDING, state), "approved_usd": (None, approved_usd)},
            note=top_up.comment,
        )
        notifications.notify_top_up_decided(top_up)
    return top_up


def delete_audit_trail(*, cohort: Cohort) -> dict[str, int]:
    """Delete a cohort's whole audit trail: the one deletion it allows, when finance's period is
    over (retention) or the cohort itself is deleted. Its claims and top-ups can go after it."""
    with transaction.atomic():
        deleted, _ = models.QuerySet.delete(AuditEntry.objects.filter(cohort=cohort))
    return {"audit entries": deleted}
