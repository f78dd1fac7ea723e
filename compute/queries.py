"""Reads of the compute app used by several pages: ledgers, claim lists, totals."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum

from cohort.models import Cohort, Membership, Role, User
from cohort.models.accounts import display_name_of
from compute.models import (
    CENT,
    SPENT_STATES,
    AuditEntry,
    Claim,
    ClaimState,
    Receipt,
    TopUpRequest,
    TopUpState,
)

ZERO = Decimal("0.00")
EARLIEST = datetime.min.replace(tzinfo=UTC)


@dataclass
class Ledger:
    base: Decimal
    top_ups: Decimal
    approved: Decimal
    pending: Decimal

    def __post_init__(self):
        # SQLite's SUM drops trailing zeros; money is always shown with two places.
        for name in ("base", "top_ups", "approved", "pending"):
            setattr(self, name, Decimal(getattr(self, name) or 0).quantize(CENT))

    @property
    def budget(self) -> Decimal:
        return self.base + self.top_ups

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.approved

    @property
    def remaining_after_pending(self) -> Decimal:
        return self.remaining - self.pending

    def _share(self, amount: Decimal) -> int:
        if self.budget <= 0:
            return 100 if amount > 0 else 0
        return max(0, min(100, round(amount * 100 / self.budget)))

    @property
    def approved_percent(self) -> int:
        return self._share(self.approved)

    @property
    def pending_percent(self) -> int:
        return min(100 - self.approved_percent, self._share(self.pending))

    @property
    def is_over(self) -> bool:
        return self.remaining < 0


def _claim_totals(claims):
    return claims.aggregate(
        approved=Sum("approved_usd", filter=Q(state__in=SPENT_STATES), default=ZERO),
        pending=Sum("amount_usd", filter=Q(state=ClaimState.SUBMITTED), default=ZERO),
    )


def ledger_for(*, cohort: Cohort, user: User) -> Ledger:
    """A person's budget, approved top-ups, approved spend and pending claims (two queries)."""
    totals = _claim_totals(Claim.objects.filter(cohort=cohort, owner=user))
    top_ups = TopUpRequest.objects.filter(
        cohort=cohort, owner=user, approved_usd__isnull=False
    ).aggregate(total=Sum("approved_usd", default=ZERO))["total"]
    return Ledger(
        base=cohort.compute_budget_usd,
        top_ups=top_ups,
        approved=totals["approved"],
        pending=totals["pending"],
    )


def ledger_of(*, cohort: Cohort, claims: list[Claim], top_ups: list[TopUpRequest]) -> Ledger:
    """`ledger_for` from the person's claims and top-ups that the page lists anyway (no query)."""
    return Ledger(
        base=cohort.compute_budget_usd,
        top_ups=sum((t.approved_usd for t in top_ups if t.approved_usd is not None), ZERO),
        approved=sum(
            (c.approved_usd for c in claims if c.state in SPENT_STATES and c.approved_usd), ZERO
        ),
        pending=sum((c.amount_usd for c in claims if c.state == ClaimState.SUBMITTED), ZERO),
    )


def ledgers_by_person(cohort: Cohort) -> dict[int, Ledger]:
    """Every participant's ledger in the cohort, keyed by user id (two queries)."""
    claims = (
        Claim.objects.filter(cohort=cohort)
        .values("owner_id")
        .annotate(
            approved=Sum("approved_usd", filter=Q(state__in=SPENT_STATES), default=ZERO),
            pending=Sum("amount_usd", filter=Q(state=ClaimState.SUBMITTED), default=ZERO),
        )
    )
    top_ups = dict(
        TopUpRequest.objects.filter(cohort=cohort, approved_usd__isnull=False)
        .values("owner_id")
        .annotate(total=Sum("approved_usd"))
        .values_list("owner_id", "total")
    )
    ledgers = {}
    for row in claims:
        ledgers[row["owner_id"]] = Ledger(
            base=cohort.compute_budget_usd,
            top_ups=top_ups.get(row["owner_id"], ZERO),
            approved=row["approved"],
            pending=row["pending"],
        )
    for owner_id, total in top_ups.items():
        ledgers.setdefault(
            owner_id,
            Ledger(base=cohort.compute_budget_usd, top_ups=total, approved=ZERO, pending=ZERO),
        )
    return ledgers


def claims_of(*, cohort: Cohort, user: User):
    return (
        Claim.objects.filter(cohort=cohort, owner=user)
        .select_related("cohort")
        .annotate(receipt_count=Count("receipts"))
    )


def top_ups_of(*, cohort: Cohort, user: User):
    return TopUpRequest.objects.filter(cohort=cohort, owner=user).select_related("cohort")


def review_claims(cohort: Cohort, *, state="", owner_id=None, category=""):
    """Claims for the review page and the CSV export, filtered, with owner and receipts."""
    claims = (
        Claim.objects.filter(cohort=cohort)
        .exclude(state=ClaimState.DRAFT)
        .select_related("owner", "decided_by", "paid_by", "cohort")
        .prefetch_related(Prefetch("receipts", queryset=Receipt.objects.order_by("id")))
        .order_by("-submitted_at", "-id")
    )
    if state:
        claims = claims.filter(state=state)
    if owner_id:
        claims = claims.filter(owner_id=owner_id)
    if category:
        claims = claims.filter(category=category)
    return claims


def pending_top_ups(cohort: Cohort):
    return TopUpRequest.objects.filter(cohort=cohort, state=TopUpState.PENDING).select_related(
        "owner", "cohort"
    )


def decided_top_ups(cohort: Cohort):
    return (
        TopUpRequest.objects.filter(cohort=cohort)
        .exclude(state=TopUpState.PENDING)
        .select_related("owner", "cohort", "decided_by")
        .order_by("-decided_at", "-id")
    )


def claimants(cohort: Cohort) -> list[tuple[int, str]]:
    """(id, name) of the cohort's participants, for the review page's person filter."""
    rows = (
        User.objects.filter(memberships__cohort=cohort, memberships__role=Role.PARTICIPANT)
        .order_by("name", "email")
        .values_list("id", "name", "email")
    )
    # As User.display_name, without building 150 users.
    return [(pk, name or email.split("@")[0]) for pk, name, email in rows]


def audit_of_claim(claim: Claim):
    return AuditEntry.objects.filter(claim=claim).select_related("actor")


def audit_of_top_up(top_up: TopUpRequest):
    return AuditEntry.objects.filter(top_up=top_up).select_related("actor")


@dataclass
class LedgerEntry:
    at: datetime | None
    label: str
    change: Decimal
    balance: Decimal = ZERO
    url: str = ""
    detail: str = ""


def ledger_entries(*, cohort: Cohort, claims: list[Claim], top_ups: list[TopUpRequest]):
    """The budget, each approved top-up (+) and each approved claim (-), oldest first, with the
    balance after each; built from lists the page already has."""
    entries = [
        LedgerEntry(
            at=None, label="Budget for the exploration phase", change=cohort.compute_budget_usd
        )
    ]
    for top_up in top_ups:
        if top_up.approved_usd:
            entries.append(
                LedgerEntry(
                    at=top_up.decided_at,
                    label=f"Top-up #{top_up.pk} ({top_up.get_state_display().lower()})",
                    change=top_up.approved_usd,
                    url=top_up.get_absolute_url(),
                )
            )
    for claim in claims:
        if claim.state in SPENT_STATES:
            entries.append(
                LedgerEntry(
                    at=claim.decided_at,
                    label=f"Claim #{claim.pk}: {claim.vendor} "
                    f"({claim.get_state_display().lower()})",
                    change=-claim.approved_usd,
                    url=claim.get_absolute_url(),
                )
            )
    dated = sorted(entries[1:], key=lambda e: e.at or EARLIEST)
    balance = ZERO
    ordered = [entries[0], *dated]
    for entry in ordered:
        balance += entry.change
        entry.balance = balance
    return ordered


@dataclass
class CohortTotals:
    approved: Decimal = ZERO
    paid: Decimal = ZERO
    pending: Decimal = ZERO
    pending_count: int = 0
    draft_count: int = 0
    approved_unpaid_count: int = 0
    top_ups_approved: Decimal = ZERO
    top_ups_pending: int = 0
    people_pending: list = field(default_factory=list)

    def __post_init__(self):
        for name in ("approved", "paid", "pending", "top_ups_approved"):
            setattr(self, name, Decimal(getattr(self, name) or 0).quantize(CENT))


def cohort_totals(cohort: Cohort) -> CohortTotals:
    """Money figures of a whole cohort for the overview (three queries)."""
    totals = Claim.objects.filter(cohort=cohort).aggregate(
        approved=Sum("approved_usd", filter=Q(state__in=SPENT_STATES), default=ZERO),
        paid=Sum("approved_usd", filter=Q(state=ClaimState.PAID), default=ZERO),
        pending=Sum("amount_usd", filter=Q(state=ClaimState.SUBMITTED), default=ZERO),
        pending_count=Count("id", filter=Q(state=ClaimState.SUBMITTED)),
        draft_count=Count("id", filter=Q(state=ClaimState.DRAFT)),
        approved_unpaid_count=Count("id", filter=Q(state=ClaimState.APPROVED)),
    )
    top_ups = TopUpRequest.objects.filter(cohort=cohort).aggregate(
        approved=Sum("approved_usd", default=ZERO),
        pending=Count("id", filter=Q(state=TopUpState.PENDING)),
    )
    people = list(
        Membership.objects.filter(
            cohort=cohort,
            user__compute_claims__cohort=cohort,
            user__compute_claims__state=ClaimState.SUBMITTED,
        )
        .distinct()
        .order_by("user__name", "user_id")
        .values_list("user_id", "user__name", "user__email")
    )
    return CohortTotals(
        **totals,
        top_ups_approved=top_ups["approved"],
        top_ups_pending=top_ups["pending"],
        people_pending=[display_name_of(name, email) for _pk, name, email in people],
    )
