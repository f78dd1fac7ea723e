from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from compute.models import Claim, ClaimState


def _visible(request, queryset, owner_field="owner"):
    """Staff roles see the cohort's records; a participant only their own (others are 404)."""
    queryset = queryset.filter(cohort=request.cohort)
    if not request.membership.can("review_compute"):
        queryset = queryset.filter(**{owner_field: request.user})
    return queryset


def _own_draft(request, pk) -> Claim:
    return get_object_or_404(
        Claim, pk=pk, cohort=request.cohort, owner=request.user, state=ClaimState.DRAFT
    )


def _back_to_review(request, query: str):
    back = reverse("compute:review", kwargs={"slug": request.cohort.slug})
    query = "" if query == "1" else query
    return redirect(f"{back}?{query}" if query else back)
