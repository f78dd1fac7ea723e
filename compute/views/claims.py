from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cohort.once import submit_once
from cohort.permissions import member_required
from compute import queries, receipts, services
from compute.forms import (
    ApproveForm,
    ClaimForm,
    RejectForm,
)
from compute.models import Claim, ClaimState, Receipt
from compute.views._common import _back_to_review, _own_draft, _visible


@member_required("use_compute")
def ledger(request):
    cohort, user = request.cohort, request.user
    claims = list(queries.claims_of(cohort=cohort, user=user))
    top_ups = list(queries.top_ups_of(cohort=cohort, user=user))
    context = {
        "ledger": queries.ledger_of(cohort=cohort, claims=claims, top_ups=top_ups),
        "claims": claims,
        "top_ups": top_ups,
        "entries": queries.ledger_entries(cohort=cohort, claims=claims, top_ups=top_ups),
    }
    return render(request, "compute/ledger.html", context)


@member_required("use_compute")
@submit_once
def claim_new(request):
    form = ClaimForm(request.POST or None, request.FILES or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.create_claim(
                cohort=request.cohort,
                owner=request.user,
                data=form.cleaned_data,
                checked_receipts=form.cleaned_data["receipts"],
            )
        except ValidationError as exc:
            form.add_error("receipts", exc)
        else:
            messages.success(request, "Claim saved as a draft. Submit it when it is complete.")
            return redirect(claim)
    return render(request, "compute/claim_form.html", {"form": form, "claim": None})


@member_required("use_compute")
def claim_edit(request, pk):
    claim = _own_draft(request, pk)
    form = ClaimForm(
        request.POST or None, request.FILES or None, instance=claim, owner=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.update_claim(
                claim=claim,
                actor=request.user,
                data=form.cleaned_data,
                checked_receipts=form.cleaned_data["receipts"],
            )
        except ValidationError as exc:
            form.add_error("receipts", exc)
        else:
            messages.success(request, "Claim updated.")
            return redirect(claim)
    return render(request, "compute/claim_form.html", {"form": form, "claim": claim})


def _claim_page(request, claim, *, approve_form=None, reject_form=None, status=200):
    is_reviewer = request.membership.can("review_compute")
    ledger = queries.ledger_for(cohort=request.cohort, user=claim.owner)
    waiting = claim.state in (ClaimState.DRAFT, ClaimState.SUBMITTED)
    context = {
        "over_by": claim.amount_usd - ledger.remaining
        if waiting and claim.amount_usd > ledger.remaining
        else None,
        "claim": claim,
        "receipts": list(claim.receipts.all()),
        "audit": list(queries.audit_of_claim(claim)),
        "is_owner": claim.owner_id == request.user.pk,
        "is_reviewer": is_reviewer,
        "ledger": ledger,
    }
    if is_reviewer and claim.state == ClaimState.SUBMITTED:
        context["approve_form"] = approve_form or ApproveForm(
            initial={"approved_usd": claim.amount_usd}
        )
        context["reject_form"] = reject_form or RejectForm()
    return render(request, "compute/claim_detail.html", context, status=status)


@member_required("view_claims")
def claim_detail(request, pk):
    claim = get_object_or_404(
        _visible(request, Claim.objects.select_related("owner", "decided_by", "cohort")), pk=pk
    )
    return _claim_page(request, claim)


@member_required("use_compute")
@require_POST
def claim_submit(request, pk):
    claim = _own_draft(request, pk)
    try:
        result = services.submit_claim(claim=claim, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(claim)
    messages.success(request, "Claim submitted for review.")
    if result.over_by is not None:
        messages.warning(
            request,
            f"This claim is {result.over_by} USD more than what is left of your budget. "
            "Ask for a top-up, describing the work and its cost, so that it can be approved.",
        )
    return redirect(claim)


@member_required("use_compute")
@require_POST
def receipt_delete(request, pk):
    receipt = get_object_or_404(
        Receipt,
        pk=pk,
        owner=request.user,
        claim__cohort=request.cohort,
        claim__state=ClaimState.DRAFT,
    )
    claim = receipt.claim
    services.delete_receipt(receipt=receipt, actor=request.user)
    messages.success(request, "Receipt removed.")
    return redirect("compute:claim_edit", slug=request.cohort.slug, pk=claim.pk)


@member_required("review_compute")
@require_POST
def claim_approve(request, pk):
    claim = get_object_or_404(
        Claim.objects.select_related("owner", "cohort"), pk=pk, cohort=request.cohort
    )
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            services.approve_claim(
                claim_id=claim.pk,
                actor=request.user,
                approved_usd=form.cleaned_data["approved_usd"],
                over_budget=form.cleaned_data["over_budget"],
                over_budget_reason=form.cleaned_data["over_budget_reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Claim #{claim.pk} approved.")
            if "back_to_review" in request.POST:
                return _back_to_review(request, request.POST["back_to_review"])
            return redirect(claim)
    return _claim_page(request, claim, approve_form=form, status=422)


@member_required("review_compute")
@require_POST
def claim_reject(request, pk):
    claim = get_object_or_404(
        Claim.objects.select_related("owner", "cohort"), pk=pk, cohort=request.cohort
    )
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.reject_claim(
                claim_id=claim.pk, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Claim #{claim.pk} rejected.")
            return redirect(claim)
    return _claim_page(request, claim, reject_form=form, status=422)


def _file_response(receipt: Receipt, *, inline: bool):
    try:
        handle = receipts.open_file(receipt.stored_name)
    except FileNotFoundError:
        raise Http404("This receipt's file is missing.") from None
    filename = f"receipt-{receipt.claim_id}-{receipt.pk}.{receipts.EXTENSIONS[receipt.kind]}"
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=filename,
        content_type=receipts.CONTENT_TYPES[receipt.kind],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Even shown inline, the file can run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@member_required("view_claims")
def receipt(request, pk):
    items = Receipt.objects.filter(claim__cohort=request.cohort)
    if not request.membership.can("review_compute"):
        items = items.filter(owner=request.user)
    item = get_object_or_404(items, pk=pk)
    return _file_response(item, inline=False)


@member_required("review_compute")
def receipt_inline(request, pk):
    """A receipt shown in the browser (images in the review pages, PDFs in the browser's own
    viewer), for staff roles only, under the sandboxing CSP of `_file_response`."""
    item = get_object_or_404(Receipt, pk=pk, claim__cohort=request.cohort)
    if not item.is_image:
        return _file_response(item, inline=True)
    try:
        with receipts.open_file(item.stored_name) as handle:
            data = handle.read()
    except FileNotFoundError:
        raise Http404("This receipt's file is missing.") from None
    # Images are decoded and encoded afresh: the browser never sees the uploaded bytes themselves.
    response = HttpResponse(
        receipts.preview_image(data, item.kind), content_type=receipts.CONTENT_TYPES[item.kind]
    )
    response["Content-Disposition"] = (
        f'inline; filename="receipt-{item.claim_id}-{item.pk}.{receipts.EXTENSIONS[item.kind]}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@member_required("review_compute")
def receipt_viewer(request, pk):
    """One receipt on a page of its own: the image itself, or a link into the PDF viewer."""
    item = get_object_or_404(
        Receipt.objects.select_related("claim__owner"), pk=pk, claim__cohort=request.cohort
    )
    siblings = list(item.claim.receipts.order_by("id").values_list("pk", flat=True))
    at = siblings.index(item.pk)
    context = {
        "receipt": item,
        "claim": item.claim,
        "position": at + 1,
        "count": len(siblings),
        "previous_pk": siblings[at - 1] if at > 0 else None,
        "next_pk": siblings[at + 1] if at + 1 < len(siblings) else None,
    }
    return render(request, "compute/receipt_viewer.html", context)
