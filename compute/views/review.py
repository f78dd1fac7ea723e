import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from cohort import fragments
from cohort.permissions import member_required
from cohort.templatetags.portal import day_filter
from compute import queries, services
from compute.caching import TOPIC
from compute.exports import write_claims_csv
from compute.forms import ReviewFilterForm
from compute.models import ClaimState
from compute.views._common import _back_to_review


def _review_filters(request):
    form = ReviewFilterForm(request.GET or None, people=queries.claimants(request.cohort))
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


def _pk_url(name: str, slug: str):
    """pk -> the URL `name` of this cohort, reverse()d once a page instead of once a row."""
    head, _, tail = reverse(name, kwargs={"slug": slug, "pk": 0}).rpartition("/0/")
    return lambda pk: f"{head}/{pk}/{tail}"


def _prepare_rows(cohort, claims, ledgers) -> None:
    """What each row shows, worked out here rather than by template tags per row."""
    claim_url = _pk_url("compute:claim", cohort.slug)
    approve_url = _pk_url("compute:claim_approve", cohort.slug)
    viewer_url = _pk_url("compute:receipt_viewer", cohort.slug)
    inline_url = _pk_url("compute:receipt_inline", cohort.slug)
    for claim in claims:
        claim.owner_ledger = ledgers.get(claim.owner_id)
        claim.url = claim_url(claim.pk)
        claim.approvable = claim.state == ClaimState.SUBMITTED
        claim.payable = claim.state == ClaimState.APPROVED
        claim.approve_url = approve_url(claim.pk) if claim.approvable else ""
        claim.spent_on_label = day_filter(claim.spent_on, "j M Y")
        for receipt in claim.receipts.all():
            receipt.viewer_url = viewer_url(receipt.pk)
            receipt.inline_url = inline_url(receipt.pk) if receipt.is_image else ""


@member_required("review_compute")
def review(request):
    cohort = request.cohort
    form, filters = _review_filters(request)
    page = Paginator(queries.review_claims(cohort, **filters), REVIEW_PAGE_SIZE).get_page(
        request.GET.get("page")
    )

    def rows():
        # Read only when the table is rendered, not when it comes from the cache.
        claims = list(page)
        _prepare_rows(cohort, claims, queries.ledgers_by_person(cohort))
        return claims

    def pending():
        return list(queries.pending_top_ups(cohort))

    def decided():
        return list(queries.decided_top_ups(cohort))

    filter_query = urlencode([(k, v) for k, v in _filter_params(filters) if v])
    context = {
        "filter_form": form,
        "claims": SimpleLazyObject(rows),
        "page": page,
        "filter_query": filter_query,
        # The validated filters only: a cached table never holds another request's query.
        "filter_key": filter_query,
        "top_ups": SimpleLazyObject(pending),
        "decided_top_ups": SimpleLazyObject(decided),
        "query": request.GET.urlencode(),
        "gen": fragments.generations(cohort.pk, [TOPIC]),
        "viewer_zone": timezone.get_current_timezone_name(),
    }
    return render(request, "compute/review.html", context)


def _filter_params(filters):
    return [
        ("state", filters["state"]),
        ("person", filters["owner_id"] or ""),
        ("category", filters["category"]),
    ]


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
