import functools

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from cohort import fragments
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
    # The matching and the history are computed only when the cached fragment of the template
    # is missing (a new generation of what feeds it, another zone, or a new hour).
    data = functools.cache(lambda: _suggestions(cohort))
    context = {
        "fragment_key": _fragment_key(cohort),
        **{name: SimpleLazyObject(lambda n=name: data()[n]) for name in SUGGESTION_PARTS},
    }
    return render(request, "sprints/partner_suggestions.html", context)


SUGGESTION_PARTS = ("proposals", "left_out", "sent", "skipped")
# Everything the matching reads: board entries, "interested" marks, who is in the cohort (names,
# zones, slides, withdrawals), pairs, invitations and skipped suggestions.
TOPICS = ("partners", "partner-interest", "people", "pairs")


def _fragment_key(cohort) -> str:
    gens = fragments.generations(cohort.pk, TOPICS)
    now = timezone.now()
    return ":".join(
        [
            *(str(gens[t]) for t in TOPICS),
            timezone.get_current_timezone_name(),
            cohort.timezone,
            # Working hours in UTC move when a zone changes its clocks (on the hour).
            now.strftime("%Y%m%d%H"),
        ]
    )


def _suggestions(cohort) -> dict:
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
    return {"proposals": proposals, "left_out": left_out, "sent": sent, "skipped": skipped}
