"""The cohort core's own entries in the overview and the to-do list."""

from django.urls import reverse

from cohort.models import Role
from cohort.overview import OverviewRow, OverviewSection
from cohort.queries import invitation_funnel
from cohort.services import ROLE_ORDER
from cohort.todo import TodoItem

ROLE_PLURALS = {
    Role.PARTICIPANT: "participants",
    Role.TA: "TAs",
    Role.MENTOR: "mentors",
    Role.OPERATIONS: "operations staff",
}


def invitation_overview(cohort, now) -> OverviewSection:
    funnel = invitation_funnel(cohort)
    rows = []
    for role in ROLE_ORDER:
        counts = funnel["by_role"].get(role, {"invited": 0, "accepted": 0})
        waiting = [i.email for i in funnel["open_invitations"] if i.role == role]
        rows.append(
            OverviewRow(
                label=f"{ROLE_PLURALS[role]} signed up, of {counts['invited']} invited",
                count=funnel["members"].get(role, 0),
                people=waiting,
                note="not signed up yet",
            )
        )
    return OverviewSection(title="Invitations", rows=rows, order=0)


def open_invitations_todo(membership, now) -> list[TodoItem]:
    if not membership.can("view_overview"):
        return []
    waiting = membership.cohort.invitations.filter(accepted_at__isnull=True).count()
    if not waiting:
        return []
    url = (
        reverse("cohort:overview", kwargs={"slug": membership.cohort.slug})
        + "?missing=signed_up#work-list"
    )
    return [
        TodoItem(
            label=f"{waiting} invited {'person has' if waiting == 1 else 'people have'} "
            "not signed up yet",
            url=url,
            detail="Tick them on the overview to send their invitation again, or invite someone "
            "else in their place.",
        )
    ]
