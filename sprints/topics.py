"""Which sprint rows feed which page topics of `cohort.fragments` (connected in ready()).

- "pairs": sprint pairs and their seats, invitations, problems, interview bookings, requests
  for alternative dates and the mentor's skipped suggestions: who is in a pair with whom, and
  what a pair has done.
- "ideas": the ideas' categories (the pair list's category filter).
"""

from cohort import fragments
from sprints.models import (
    Booking,
    DateShiftRequest,
    IdeaCategory,
    Pair,
    PairInvitation,
    PairMember,
    ProblemSubmission,
    SuggestionSkip,
)


def _pair_cohort(row) -> int | None:
    return Pair.objects.filter(pk=row.pair_id).values_list("cohort_id", flat=True).first()


def connect() -> None:
    for model in (Pair, PairMember, PairInvitation, SuggestionSkip):
        fragments.watch(model, "pairs")
    for model in (ProblemSubmission, Booking, DateShiftRequest):
        fragments.watch(model, "pairs", cohort_of=_pair_cohort)
    fragments.watch(IdeaCategory, "ideas")
