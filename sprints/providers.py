"""The sprints app's entries in the mentor overview and the home to-do list (constant queries)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from cohort.models import Role, User
from cohort.overview import OverviewRow, OverviewSection
from cohort.todo import TodoItem
from sprints.models import Booking, Pair, ProblemState, SlotKind
from sprints.queries import problem_counts, seats


def sprint_overview(cohort) -> OverviewSection:
    seated_rows = list(seats(cohort).select_related("user", "pair").order_by("pair_id", "slot"))
    pairs: dict[int, list] = {}
    solo = []
    for seat in seated_rows:
        if seat.pair.is_solo:
            solo.append(seat.user.display_name)
        else:
            pairs.setdefault(seat.pair_id, []).append(seat.user.display_name)
    seated = {seat.user_id for seat in seated_rows}
    participants = User.objects.filter(
        memberships__cohort=cohort, memberships__role=Role.PARTICIPANT
    ).order_by("name", "email")
    unpaired = [u.display_name for u in participants if u.pk not in seated]
    past_deadline = timezone.now() > cohort.end_of(cohort.partner_deadline)
    problems = problem_counts(cohort)
    bookings = dict(
        Booking.objects.filter(slot__cohort=cohort, cancelled_at__isnull=True)
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    rows = [
        OverviewRow("sprint pairs formed", people=[" & ".join(n) for n in pairs.values()]),
        OverviewRow("solo sprints (flagged)", people=solo),
        OverviewRow(
            "unpaired after the partner deadline" if past_deadline else "without a partner yet",
            people=unpaired,
        ),
        OverviewRow("research problems waiting for approval", count=problems["pending"]),
        OverviewRow("research problems approved", count=problems["approved"]),
        OverviewRow("research problems sent back", count=problems["sent_back"]),
        OverviewRow("drop-ins booked", count=bookings.get(SlotKind.DROPIN, 0)),
        OverviewRow("final interviews booked", count=bookings.get(SlotKind.INTERVIEW, 0)),
    ]
    return OverviewSection(title="Research sprint", rows=rows, order=40)


PROBLEM_LABELS = {
    None: "Choose a research problem",
    ProblemState.PENDING: "Wait for the mentor to approve your proposal",
    ProblemState.SENT_BACK: "Revise your proposal and send it again",
    ProblemState.APPROVED: "Choose a research problem",
}


def pair_todo(cohort, pair: Pair | None, *, interview_booked: bool) -> list[TodoItem]:
    """The one list of what a person's sprint still needs, for the home page and the sprint
    page alike: a partner, an approved problem, the final interview, the write-up link."""
    url = reverse("sprints:sprint", kwargs={"slug": cohort.slug})
    problem = pair.current_problem if pair is not None else None
    state = problem.state if problem is not None else None
    return [
        TodoItem(
            label="Find a sprint partner",
            url=url,
            due=cohort.end_of(cohort.partner_deadline),
            done=pair is not None,
            detail="Invite someone, accept an invitation, or declare a solo sprint.",
        ),
        TodoItem(
            label=PROBLEM_LABELS[state],
            url=url,
            due=cohort.start_of(cohort.sprint_start),
            done=state == ProblemState.APPROVED,
            detail="Pick an idea from the list or propose your own for the mentor to approve.",
        ),
        TodoItem(
            label="Book your final interview",
            url=reverse("sprints:slots", kwargs={"slug": cohort.slug}),
            due=cohort.end_of(cohort.sprint_end),
            done=interview_booked,
        ),
        TodoItem(
            label="Add the link to your write-up",
            url=url,
            done=pair is not None and bool(pair.writeup_url),
            detail="When it is ready, on the sprint page.",
        ),
    ]


def sprint_todo(membership, now) -> list[TodoItem]:
    if membership.role != Role.PARTICIPANT:
        return []
    cohort = membership.cohort
    pair = (
        Pair.objects.filter(pk__in=seats(cohort).filter(user=membership.user).values("pair_id"))
        .select_related("current_problem")
        .annotate(
            interviews=Count(
                "bookings",
                filter=Q(bookings__kind=SlotKind.INTERVIEW, bookings__cancelled_at__isnull=True),
            )
        )
        .first()
    )
    return pair_todo(cohort, pair, interview_booked=pair is not None and pair.interviews > 0)
