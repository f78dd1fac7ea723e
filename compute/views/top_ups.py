from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cohort.once import submit_once
from cohort.permissions import member_required
from compute import queries, services
from compute.forms import (
    TopUpDecisionForm,
    TopUpForm,
)
from compute.models import TopUpRequest, TopUpState
from compute.views._common import _visible


@member_required("use_compute")
@submit_once
def top_up_new(request):
    form = TopUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        top_up = services.request_top_up(
            cohort=request.cohort,
            owner=request.user,
            description=form.cleaned_data["description"],
            estimate_usd=form.cleaned_data["estimate_usd"],
        )
        messages.success(request, "Top-up requested. You will hear when it is decided.")
        return redirect(top_up)
    return render(request, "compute/top_up_form.html", {"form": form})


def _top_up_page(request, top_up, *, form=None, status=200):
    is_reviewer = request.membership.can("review_compute")
    context = {
        "top_up": top_up,
        "audit": list(queries.audit_of_top_up(top_up)),
        "is_reviewer": is_reviewer,
        "ledger": queries.ledger_for(cohort=request.cohort, user=top_up.owner),
    }
    if is_reviewer and top_up.state == TopUpState.PENDING:
        context["form"] = form or TopUpDecisionForm(
            top_up=top_up, initial={"approved_usd": top_up.estimate_usd}
        )
    return render(request, "compute/top_up_detail.html", context, status=status)


@member_required("view_claims")
def top_up_detail(request, pk):
    top_up = get_object_or_404(
        _visible(request, TopUpRequest.objects.select_related("owner", "decided_by", "cohort")),
        pk=pk,
    )
    return _top_up_page(request, top_up)


@member_required("review_compute")
@require_POST
def top_up_decide(request, pk):
    top_up = get_object_or_404(
        TopUpRequest.objects.select_related("owner", "cohort"), pk=pk, cohort=request.cohort
    )
    form = TopUpDecisionForm(request.POST, top_up=top_up)
    if form.is_valid():
        try:
            services.decide_top_up(
                top_up_id=top_up.pk,
                actor=request.user,
                approved_usd=form.cleaned_data["approved_usd"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Top-up #{top_up.pk} decided.")
            return redirect(top_up)
    return _top_up_page(request, top_up, form=form, status=422)
