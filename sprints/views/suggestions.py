from django.contrib import messages
from django.shortcuts import redirect, render

from cohort.permissions import member_required
from sprints import queries, services
from sprints.matching import matching_inputs, propose_pairs
from sprints.models import (
    InvitationState,
)

# Partner suggestions ------------------------------------------------------------------------


def _pair_value(value: str) -> tuple[int, int] | None:
    a, _, b = value.partition("-")
    if a.isdigit() and b.isdigit() and len(a) < 12 and len(b) < 12:
        return int(a), int(b)
    return None


@member_required("suggest_partners")
def partner_suggestions(request):
    cohort = request.cohort
    if request.method == "POST":
        if "skip" in request.POST:
            pair = _pair_value(request.POST["skip"])
            if pair and services.skip_suggestion(cohort=cohort, pair=pair, by=request.user):
                messages.success(request, "Skipped: that pairing will not be proposed again.")
            else:
                messages.warning(request, "That suggestion was already skipped or is not valid.")
            return redirect("sprints:partner_suggestions", slug=cohort.slug)
        values = request.POST.getlist("invite") or request.POST.getlist("pair")
        pairs = [pair for pair in map(_pair_value, values) if pair]
        sent = services.send_suggested_invitations(cohort=cohort, pairs=pairs, by=request.user)
        if sent:
            messages.success(request, f"{sent} invitation{'s' if sent != 1 else ''} sent.")
        else:
            messages.warning(
                request, "No invitation sent: the people are no longer free, or already invited."
            )
        return redirect("sprints:partner_suggestions", slug=cohort.slug)
    sent, skipped = queries.suggestion_history(cohort)
    waiting = {
        uid
        for invitation in sent
        if invitation.state == InvitationState.PENDING
        for uid in (invitation.from_user_id, invitation.to_user_id)
    }
    forbidden = frozenset(
        [frozenset((s.first_id, s.second_id)) for s in skipped]
        + [
            frozenset((i.from_user_id, i.to_user_id))
            for i in sent
            if i.state == InvitationState.DECLINED
        ]
    )
    pool = [person for person in matching_inputs(cohort) if person.id not in waiting]
    proposals, left_out = propose_pairs(pool, forbidden)
    return render(
        request,
        "sprints/partner_suggestions.html",
        {"proposals": proposals, "left_out": left_out, "sent": sent, "skipped": skipped},
    )
