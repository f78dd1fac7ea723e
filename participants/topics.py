"""Which rows feed which page topics of `cohort.fragments` (connected in the app's ready()).

- "partners": the partner board's entries.
- "partner-interest": "interested" marks (the suggestions' partner wishes).
- "people": who is in the cohort as what, their names, time zones, last login, slides and
  withdrawals: everything a cached list of people shows about a person.
- "help": help requests, their comments, and who a TA looks after.
"""

from django.db.models.signals import post_save

from cohort import fragments
from cohort.models import Membership, User
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
    return (
        Membership.objects.filter(pk=row.membership_id).values_list("cohort_id", flat=True).first()
    )


def _user_saved(sender, instance, update_fields=None, **kwargs):
    """A login (which writes last_login) renews only the TA dashboard's "Last seen"; the
    people topic, renewed by any other change of a person, is participants.signals'."""
    if update_fields is not None and "last_login" not in update_fields:
        return
    for cohort_id in Membership.objects.filter(user=instance).values_list("cohort_id", flat=True):
        fragments.bump(cohort_id, "last-seen")


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
    post_save.connect(_user_saved, sender=User, weak=False, dispatch_uid="fragments:user:last-seen")
