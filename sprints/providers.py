"""The sprints app's entries in the mentor overview and the home to-do list (constant queries)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from cohort.models import Role, User
from cohort.overview import OverviewRow, OverviewSection
from cohort.standing import stepped_back
from cohort.todo import TodoItem
from sprints.models import Booking, Pair, PairMember, ProblemState, SlotKind
from sprints.queries import problem_counts


def sprint_overview(cohort) -> OverviewSection:
    seats = list(
        PairMember.objects.filter(cohort=cohort, active=True)
        .select_related("user", "pair")
        .order_by("pair_id", "slot")
    )
    pairs: dict[int, list] = {}
    solo = []
    for seat in seats:
        if seat.pair.is_solo:
            solo.append(seat.user.display_name)
        else:
            pairs.setdefault(seat.pair_id, []).append(seat.user.display_name)
    seated = {seat.user_id for seat in seats}
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


def sprint_todo(membership, now) -> list[TodoItem]:
    if membership.role != Role.PARTICIPANT or stepped_back(membership):
        return []
    cohort = membership.cohort
    url = reverse("sprints:sprint", kwargs={"slug": cohort.slug})
    pair = (
        Pair.objects.filter(
            cohort=cohort,
            dissolved_at__isnull=True,
            members__user=membership.user,
            members__active=True,
        )
        .select_related("current_problem")
        .annotate(
            interviews=Count(
                "bookings",
                filter=Q(bookings__kind=SlotKind.INTERVIEW, bookings__cancelled_at__isnull=True),
            )
        )
        .first()
    )
    partner = TodoItem(
        label="Find a sprint partner",
        url=url,
        due=cohort.end_of(cohort.partner_deadline),
        done=pair is not None,
        detail="Invite someone, accept an invitation, or declare a solo sprint.",
    )
    problem_done = pair is not None and (
        pair.current_problem is not None and pair.current_problem.state == ProblemState.APPROVED
    )
    problem = TodoItem(
        label="Choose a research problem",
        url=url,
        due=cohort.start_of(cohort.sprint_start),
        done=problem_done,
        detail="Pick an idea from the list or propose your own for the mentor to approve.",
    )
    interview = TodoItem(
        label="Book your final interview",
        url=reverse("sprints:slots", kwargs={"slug": cohort.slug}),
        due=cohort.end_of(cohort.sprint_end),
        done=pair is not None and pair.interviews > 0,
    )
    if pair is None:
        # The problem and the interview are a pair's steps: they come once there is a pair.
        return [partner]
    return [partner, problem, interview]
