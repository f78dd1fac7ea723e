"""The compute app's entries in the home page's to-do list and the mentor's overview."""

from django.db.models import Count, Q
from django.urls import reverse

from cohort.overview import OverviewRow, OverviewSection
from cohort.todo import TodoItem
from compute.models import Claim, ClaimState, TopUpRequest, TopUpState
from compute.queries import cohort_totals


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def compute_todo(membership, now) -> list[TodoItem]:
    slug = membership.cohort.slug
    if membership.can("use_compute"):
        drafts = Claim.objects.filter(
            cohort_id=membership.cohort_id, owner_id=membership.user_id, state=ClaimState.DRAFT
        ).count()
        if not drafts:
            return []
        return [
            TodoItem(
                label=f"Submit {_plural(drafts, 'draft claim', 'draft claims')}",
                url=reverse("compute:ledger", kwargs={"slug": slug}),
                detail="A claim is only reviewed once you submit it.",
            )
        ]
    if membership.can("review_compute"):
        claims = Claim.objects.filter(cohort_id=membership.cohort_id).aggregate(
            waiting=Count("id", filter=Q(state=ClaimState.SUBMITTED)),
            unpaid=Count("id", filter=Q(state=ClaimState.APPROVED)),
        )
        top_ups = TopUpRequest.objects.filter(
            cohort_id=membership.cohort_id, state=TopUpState.PENDING
        ).count()
        url = reverse("compute:review", kwargs={"slug": slug})
        items = []
        if claims["waiting"]:
            items.append(
                TodoItem(label=f"Review {_plural(claims['waiting'], 'claim', 'claims')}", url=url)
            )
        if top_ups:
            items.append(
                TodoItem(
                    label=f"Decide {_plural(top_ups, 'top-up request', 'top-up requests')}",
                    url=url,
                )
            )
        if claims["unpaid"]:
            items.append(
                TodoItem(
                    label=f"Pay {_plural(claims['unpaid'], 'approved claim', 'approved claims')}",
                    url=f"{url}?state=approved",
                )
            )
        return items
    return []


def compute_overview(cohort, now) -> OverviewSection:
    totals = cohort_totals(cohort)
    return OverviewSection(
        title="Compute",
        order=60,
        rows=[
            OverviewRow(
                label=f"claims waiting for review ({totals.pending} USD)",
                count=totals.pending_count,
                people=totals.people_pending,
                note="people",
            ),
            OverviewRow(
                label=f"USD approved in claims ({totals.paid} USD paid)", count=totals.approved
            ),
            OverviewRow(label="approved claims not paid yet", count=totals.approved_unpaid_count),
            OverviewRow(label="draft claims not submitted", count=totals.draft_count),
            OverviewRow(label="USD added by top-ups", count=totals.top_ups_approved),
            OverviewRow(label="top-up requests waiting", count=totals.top_ups_pending),
        ],
    )


def person_claims(viewer, person, now):
    """The person's claims and budget, for those who review compute (never for TAs)."""
    from cohort.people import PersonSection
    from compute.queries import ledger_for

    if not viewer.can("review_compute"):
        return None
    claims = list(
        Claim.objects.filter(cohort_id=person.cohort_id, owner_id=person.user_id)
        .exclude(state=ClaimState.DRAFT)
        .order_by("-created_at", "-id")[:20]
    )
    return PersonSection(
        title="Compute claims",
        template="compute/_person_claims.html",
        context={
            "claims": claims,
            "ledger": ledger_for(cohort=person.cohort, user=person.user),
        },
        order=40,
        anchor="claims",
    )
