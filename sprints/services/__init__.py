"""Writes of the sprints app, one module per sub-domain. Each raises `SprintError` with a
message for the person when a rule refuses it; the database constraints are the last line
behind the row locks. Callers keep writing `from sprints import services; services.x(...)`."""

from sprints.services.bookings import SLOT_MINUTES, book_slot, cancel_booking, publish_slots
from sprints.services.dates import (
    check_alternative_dates,
    decide_alternative_dates,
    request_alternative_dates,
)
from sprints.services.pairs import (
    WITHDRAWN_MESSAGE,
    accept_invitation,
    cancel_invitation,
    declare_solo,
    decline_invitation,
    dissolve_pair,
    invite_partner,
    send_suggested_invitations,
    set_writeup,
)
from sprints.services.problems import (
    decide_problem,
    delete_cohort_problems_and_ideas,
    submit_problem,
)
from sprints.services.rules import CLOSED_MESSAGE, SelectionFull, SprintError, is_participant
from sprints.services.selection import decide_selection, selection_full_message
from sprints.services.suggestions import skip_suggestion

__all__ = [
    "CLOSED_MESSAGE",
    "SLOT_MINUTES",
    "WITHDRAWN_MESSAGE",
    "SelectionFull",
    "SprintError",
    "accept_invitation",
    "book_slot",
    "cancel_booking",
    "cancel_invitation",
    "check_alternative_dates",
    "decide_alternative_dates",
    "decide_problem",
    "decide_selection",
    "declare_solo",
    "decline_invitation",
    "delete_cohort_problems_and_ideas",
    "dissolve_pair",
    "invite_partner",
    "is_participant",
    "publish_slots",
    "request_alternative_dates",
    "selection_full_message",
    "send_suggested_invitations",
    "set_writeup",
    "skip_suggestion",
    "submit_problem",
]
