from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cohort.once import submit_once
from cohort.permissions import member_required
from participants import dashboard, queries, services
from participants.forms import (
    CommentForm,
    HelpRequestForm,
)
from participants.models import (
    GoalsAnswer,
    HelpRequest,
    HelpState,
    PartnerEntry,
    Profile,
    Withdrawal,
)
from participants.views._common import _url

# --- Help requests and the TA dashboard ------------------------------------------------------


@member_required("participate")
@submit_once
def help_requests(request):
    form = HelpRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.ask_for_help(membership=request.membership, **form.cleaned_data)
        messages.success(request, "Your request is in. Your TA has been told.")
        return redirect(_url(request, "help"))
    requests_ = queries.help_requests_of(request.user, request.cohort)
    return render(request, "participants/help.html", {"form": form, "requests": requests_})


@member_required("participate")
def my_forms(request):
    """Every form a participant fills in, with its state, so what is done stays reachable."""
    membership, now = request.membership, timezone.now()
    answer = GoalsAnswer.objects.filter(membership=membership).first()
    profile = Profile.objects.filter(membership=membership).first()
    entry = PartnerEntry.objects.filter(cohort=request.cohort, user=request.user).first()
    context = {
        "answer": answer,
        "goals_deadline": services.goals_deadline(request.cohort),
        "goals_open": services.goals_open_for(answer, request.cohort, now),
        "profile": profile,
        "partner_entry": entry,
        "withdrawal": Withdrawal.objects.filter(
            membership=membership, reversed_at__isnull=True
        ).first(),
    }
    return render(request, "participants/my_forms.html", context)


def _own_request(request, pk):
    # Someone else's request does not exist for this person.
    return get_object_or_404(HelpRequest, pk=pk, cohort=request.cohort, requester=request.user)


@member_required("participate")
@require_POST
@submit_once
def help_answer(request, pk):
    item = _own_request(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.answer_help_request(
                request=item, user=request.user, body=form.cleaned_data["body"]
            )
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Your answer is added; your TA has been told.")
            return redirect(_url(request, "help") + f"#request-{item.pk}")
    requests_ = queries.help_requests_of(request.user, request.cohort)
    new_request = HelpRequestForm()
    if item.state == HelpState.RESOLVED and form.is_valid():
        # Closed: what was typed goes into a new request, so nothing is lost.
        new_request = HelpRequestForm(
            initial={"topic": f"More on: {item.topic}"[:200], "tried": form.cleaned_data["body"]}
        )
    context = {
        "form": new_request,
        "requests": requests_,
        "refused_answer": form,
        "refused_answer_pk": item.pk,
    }
    return render(request, "participants/help.html", context, status=400)


@member_required("participate")
@require_POST
def help_close(request, pk):
    item = _own_request(request, pk)
    if services.close_own_help_request(request=item, user=request.user):
        messages.success(request, f"“{item.topic}” is closed. Glad it is sorted.")
    return redirect(_url(request, "help") + f"#request-{item.pk}")


@member_required("help_participants")
def ta_dashboard(request):
    return render(request, "participants/ta_dashboard.html", {"body": dashboard.body(request)})


def _queued_request(request, pk):
    return get_object_or_404(
        queries.help_queue(request.cohort, dashboard.dashboard_ta(request), include_resolved=True),
        pk=pk,
    )


@member_required("help_participants")
@require_POST
def help_claim(request, pk):
    item = _queued_request(request, pk)
    if services.claim_help_request(request=item, ta=request.user):
        messages.success(request, f"You claimed “{item.topic}”.")
    else:
        messages.warning(request, f"“{item.topic}” was already claimed.")
    return redirect(_url(request, "ta_dashboard") + f"#request-{item.pk}")


@member_required("help_participants")
@require_POST
@submit_once
def help_comment(request, pk):
    item = _queued_request(request, pk)
    # From the dashboard, each card's reply is named after its request (they share one form).
    form = CommentForm({"body": request.POST.get(f"body-{item.pk}", request.POST.get("body", ""))})
    if form.is_valid():
        services.comment_on_help_request(
            request=item, author=request.user, body=form.cleaned_data["body"]
        )
        messages.success(request, "Comment added.")
    else:
        messages.error(request, "Write a comment first.")
    return redirect(_url(request, "ta_dashboard") + f"#request-{item.pk}")


@member_required("help_participants")
@require_POST
def help_resolve(request, pk):
    item = _queued_request(request, pk)
    services.resolve_help_request(request=item, ta=request.user)
    messages.success(request, f"“{item.topic}” is resolved. You can undo it for a minute.")
    return redirect(_url(request, "ta_dashboard") + "#just-resolved")


@member_required("help_participants")
@require_POST
def help_reopen(request, pk):
    item = _queued_request(request, pk)
    if services.reopen_help_request(request=item, by=request.user):
        messages.success(request, f"“{item.topic}” is open again and claimed by you.")
    else:
        messages.warning(request, f"“{item.topic}” was not resolved, so nothing changed.")
    return redirect(_url(request, "ta_dashboard") + f"#request-{item.pk}")


@member_required("help_participants")
@require_POST
def help_undo_resolve(request, pk):
    item = _queued_request(request, pk)
    if services.undo_resolve_help_request(request=item, by=request.user):
        messages.success(request, f"Undone: “{item.topic}” is claimed by you again.")
    else:
        messages.error(
            request,
            f"Too late to undo “{item.topic}” (a minute has passed, or it was not your resolve); "
            "reopen it from the resolved list instead.",
        )
    return redirect(_url(request, "ta_dashboard") + f"#request-{item.pk}")
