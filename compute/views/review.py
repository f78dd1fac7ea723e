import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cohort.permissions import member_required
from compute import queries, services
from compute.exports import write_claims_csv
from compute.forms import (
    ReviewFilterForm,
)
from compute.models import ClaimState
from compute.views._common import _back_to_review


def _review_filters(request):
    form = ReviewFilterForm(request.GET or None, people=list(queries.claimants(request.cohort)))
    filters = {"state": "", "owner_id": None, "category": ""}
    if form.is_bound and form.is_valid():
        filters = {
            "state": form.cleaned_data["state"],
            "owner_id": form.cleaned_data["person"],
            "category": form.cleaned_data["category"],
        }
    return form, filters


# Claims per page of the review: the page stays quick however many claims a round has.
REVIEW_PAGE_SIZE = 25


@member_required("review_compute")
def review(request):
    form, filters = _review_filters(request)
    page = Paginator(queries.review_claims(request.cohort, **filters), REVIEW_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    claims = list(page)
    ledgers = queries.ledgers_by_person(request.cohort)
    for claim in claims:
        claim.owner_ledger = ledgers.get(claim.owner_id)
    filters_only = request.GET.copy()
    filters_only.pop("page", None)
    context = {
        "filter_form": form,
        "claims": claims,
        "page": page,
        "filter_query": filters_only.urlencode(),
        "top_ups": list(queries.pending_top_ups(request.cohort)),
        "decided_top_ups": list(queries.decided_top_ups(request.cohort)),
        "query": request.GET.urlencode(),
        "approved_state": ClaimState.APPROVED,
        "submitted_state": ClaimState.SUBMITTED,
    }
    return render(request, "compute/review.html", context)


@member_required("review_compute")
def review_export(request):
    _form, filters = _review_filters(request)
    out = io.StringIO()
    write_claims_csv(queries.review_claims(request.cohort, **filters), out)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="claims-{request.cohort.slug}-{stamp}.csv"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@member_required("review_compute")
@require_POST
def review_mark_paid(request):
    ids = [int(v) for v in request.POST.getlist("claims") if v.isdigit()]
    paid = services.mark_claims_paid(cohort=request.cohort, claim_ids=ids, actor=request.user)
    if paid:
        messages.success(request, f"Marked {len(paid)} claim{'s' if len(paid) != 1 else ''} paid.")
    else:
        messages.warning(request, "Nothing was marked paid: choose approved claims.")
    return _back_to_review(request, request.POST.get("query", ""))
