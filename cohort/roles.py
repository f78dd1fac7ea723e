"""The role table: the four roles of a cohort and what each may do.

It imports no model, so the models (Membership.can) and cohort.permissions (the view
decorators) both read it; cohort.permissions re-exports it.
"""

from django.db import models


class Role(models.TextChoices):
    PARTICIPANT = "participant", "Participant"
    TA = "ta", "TA"
    MENTOR = "mentor", "Mentor"
    OPERATIONS = "operations", "Operations"


STAFF_ROLES = frozenset({Role.MENTOR, Role.OPERATIONS})

EVERYONE = frozenset(Role)

CAPABILITIES: dict[str, frozenset[str]] = {
    # Reading what the whole cohort shares: home, resources, FAQ, announcements.
    "view_cohort": EVERYONE,
    # The mentor's overview of the cohort's funnel and who has not signed up yet.
    "view_overview": frozenset({Role.MENTOR}),
    # Closing the cohort, which sets the day its personal data is deleted.
    "close_cohort": frozenset({Role.MENTOR}),
    # Participants: the goals form, help requests, withdrawing, joining the partner board.
    "participate": frozenset({Role.PARTICIPANT}),
    # Browsing the partner board: participants, and the TAs and mentor who help them pair up.
    "view_partner_board": frozenset({Role.PARTICIPANT, Role.TA, Role.MENTOR}),
    # The TA dashboard: assigned people and their help requests (the mentor sees everyone's).
    "help_participants": frozenset({Role.TA, Role.MENTOR}),
    # sprints: log one's own mini-projects.
    "log_mini_project": frozenset({Role.PARTICIPANT}),
    # sprints: the sprint page (invitations, pair, problem, dates, bookings, write-up).
    "sprint_pair": frozenset({Role.PARTICIPANT}),
    # sprints: the mentor's partner suggestions and sending them as invitations.
    "suggest_partners": frozenset({Role.MENTOR}),
    # events: anyone may ask not to be recorded, at one event or at all.
    "opt_out_of_recording": EVERYONE,
    # events: participants say which past events they attended (their share vs the guidance).
    "mark_own_attendance": frozenset({Role.PARTICIPANT}),
    # events: participants take a five-minute lightning-talk slot.
    "take_lightning_slot": frozenset({Role.PARTICIPANT}),
    # events: hosts keep the register; the view also checks they host that event (or mentor).
    "host_events": frozenset({Role.MENTOR, Role.TA}),
    # Compute: one's own budget, claims and top-up requests.
    "use_compute": frozenset({Role.PARTICIPANT}),
    # Compute: opening a claim, receipt or top-up (participants only their own).
    "view_claims": frozenset({Role.PARTICIPANT, Role.MENTOR, Role.OPERATIONS}),
    # Compute: reviewing, deciding and paying claims and top-ups; the finance export.
    "review_compute": frozenset({Role.MENTOR, Role.OPERATIONS}),
    # The Django admin, per area (cohort.admin_scoping reads these; inlines follow their page):
    # the cohort's settings, invitations, members, resources, FAQ, announcements and Slack.
    "manage_cohort": frozenset({Role.MENTOR}),
    # participants: slides, goals answers, withdrawals, boards, TA assignments, help requests.
    "manage_participants": frozenset({Role.MENTOR}),
    # sprints: ideas, pairs and their review, problems, dates, slots, selection.
    "manage_sprints": frozenset({Role.MENTOR}),
    # events: the schedule, recording opt-outs, attendance.
    "manage_events": frozenset({Role.MENTOR}),
    # Choosing people in the admin's forms (the scoped people list behind autocomplete fields).
    "choose_people": frozenset({Role.MENTOR, Role.OPERATIONS}),
}


def role_can(role: str, capability: str) -> bool:
    try:
        return role in CAPABILITIES[capability]
    except KeyError:
        raise ValueError(f"Unknown capability {capability!r}") from None
