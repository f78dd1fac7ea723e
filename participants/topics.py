"""Which rows feed which page topics of `cohort.fragments` (connected in the app's ready()).

- "partners": the partner board's entries.
- "partner-interest": "interested" marks (the suggestions' partner wishes).
- "people": who is in the cohort as what, their names, time zones, last login, slides and
  withdrawals: everything a cached list of people shows about a person.
- "help": help requests, their comments, and who a TA looks after.
"""

from cohort import fragments
from cohort.models import Membership
from participants.models import (
    GoalsAnswer,
    HelpComment,
    HelpRequest,
    PartnerEntry,
    PartnerInterest,
    Profile,
    TAAssignment,
    Withdrawal,
)


def _membership_cohort(row) -> int | None:
    """The cohort of a row that belongs to a membership (a profile, a withdrawal, goals)."""
    if type(row).membership.is_cached(row):
        return row.membership.cohort_id
    return (
        Membership.objects.filter(pk=row.membership_id).values_list("cohort_id", flat=True).first()
    )


def connect() -> None:
    fragments.watch(PartnerEntry, "partners")
    fragments.watch(
        PartnerInterest,
        "partner-interest",
        cohort_of=lambda i: (
            PartnerEntry.objects.filter(pk=i.entry_id).values_list("cohort_id", flat=True).first()
        ),
    )
    fragments.watch(Membership, "people")
    for model in (Profile, Withdrawal, GoalsAnswer):
        fragments.watch(model, "people", cohort_of=_membership_cohort)
    fragments.watch(HelpRequest, "help")
    fragments.watch(
        HelpComment,
        "help",
        cohort_of=lambda c: (
            HelpRequest.objects.filter(pk=c.request_id).values_list("cohort_id", flat=True).first()
        ),
    )
    fragments.watch(TAAssignment, "help")
    # A person's name or time zone is on their slide, card and rows; a login (which writes
    # last_login) renews only the TA dashboard's "Last seen".
    fragments.watch_users("people", ignoring=("last_login", "password"))
    fragments.watch_users("last-seen", only=("last_login",))
