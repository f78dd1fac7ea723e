"""The sprint pages, one module a job: ideas (ideas and mini-projects), pair (the sprint page,
invitations, problem, dates and write-up), bookings (slots), suggestions (the mentor's
partner suggestions)."""

from sprints.views.bookings import (
    book,
    cancel_booking,
    slots,
)
from sprints.views.ideas import (
    ideas,
    mini_project_new,
    mini_projects,
)
from sprints.views.pair import (
    accept,
    alternative_dates,
    cancel_invitation,
    decline,
    dissolve,
    invite,
    problem,
    solo,
    sprint,
    writeup,
)
from sprints.views.suggestions import (
    partner_suggestions,
)

__all__ = [
    "accept",
    "alternative_dates",
    "book",
    "cancel_booking",
    "cancel_invitation",
    "decline",
    "dissolve",
    "ideas",
    "invite",
    "mini_project_new",
    "mini_projects",
    "partner_suggestions",
    "problem",
    "slots",
    "solo",
    "sprint",
    "writeup",
]
