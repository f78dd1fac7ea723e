"""The sprints app's entries in the mentor overview and the home to-do list (constant queries)."""

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse

from cohort.models import Role, User
from cohort.models.accounts import display_name_of
from cohort.overview import OverviewRow, OverviewSection
from cohort.standing import stepped_back
from cohort.todo import TodoItem
from cohort.worklist import DONE, MISSING, PENDING, Cell, Column, Contribution, RiskRule
from participants.queries import partner_user_ids
from sprints.models import (
    Booking,
    DateShiftRequest,
    InvitationState,
    Pair,
    PairInvitation,
    PairMember,
    ProblemState,
    RequestState,
    SlotKind,
)
from sprints.queries import problem_counts, seats


def sprint_overview(cohort, now) -> OverviewSection:
    seated_rows = seats(cohort).order_by("pair_id", "slot")
    pairs: dict[int, list] = {}
    solo, seated = [], set()
    for user_id, pair_id, is_solo, name, email in seated_rows.values_list(
        "user_id", "pair_id", "pair__is_solo", "user__name", "user__email"
    ):
        seated.add(user_id)
        if is_solo:
            solo.append(display_name_of(name, email))
        else:
            pairs.setdefault(pair_id, []).append(display_name_of(name, email))
    participants = (
        User.objects.filter(memberships__cohort=cohort, memberships__role=Role.PARTICIPANT)
        .order_by("name", "email")
        .values_list("pk", "name", "email")
    )
    unpaired = [
        display_name_of(name, email) for pk, name, email in participants if pk not in seated
    ]
    past_deadline = now > cohort.end_of(cohort.partner_deadline)
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
    partner = TodoItem(
        label="Find a sprint partner",
        url=url,
        due=cohort.end_of(cohort.partner_deadline),
        done=pair is not None,
        detail="Invite someone, accept an invitation, or declare a solo sprint.",
    )
    if pair is None:
        # The problem, the interview and the write-up are a pair's steps: they come with a pair.
        return [partner]
    problem = pair.current_problem
    state = problem.state if problem is not None else None
    return [
        partner,
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
    if membership.role != Role.PARTICIPANT or stepped_back(membership):
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


# --- The mentor's work list ----------------------------------------------------------------------

PROBLEM_DUE_BEFORE_SPRINT = timedelta(days=7)
INTERVIEW_DUE_BEFORE_INTERVIEWS = timedelta(days=3)


def sprint_work_list(cohort, user_ids, now) -> Contribution:
    """Partner, problem, dates and interview per person, and the sprint's at-risk rules."""
    seats = list(
        PairMember.objects.filter(cohort=cohort, active=True, pair__dissolved_at__isnull=True)
        .select_related("user", "pair__current_problem")
        .only(
            "user_id",
            "pair_id",
            "user__name",
            "user__email",
            "pair__is_solo",
            "pair__current_problem__state",
        )
    )
    members_of: dict[int, list] = {}
    for seat in seats:
        members_of.setdefault(seat.pair_id, []).append(seat)
    interviews = set(
        Booking.objects.filter(
            slot__cohort=cohort, kind=SlotKind.INTERVIEW, cancelled_at__isnull=True
        ).values_list("pair_id", flat=True)
    )
    shifts = dict(
        DateShiftRequest.objects.filter(pair__cohort=cohort, pair__dissolved_at__isnull=True)
        .order_by("pair_id", "created_at", "id")
        .values_list("pair_id", "state")
    )
    on_board = partner_user_ids(cohort)
    invited = set(
        PairInvitation.objects.filter(cohort=cohort, state=InvitationState.PENDING).values_list(
            "to_user_id", "from_user_id"
        )
    )
    waiting_answer = {uid for pair in invited for uid in pair}
    after_partner_deadline = now > cohort.end_of(cohort.partner_deadline)
    problem_due = now >= cohort.start_of(cohort.sprint_start) - PROBLEM_DUE_BEFORE_SPRINT
    interviews_close = (
        cohort.start_of(cohort.interview_start) - INTERVIEW_DUE_BEFORE_INTERVIEWS
        <= now
        <= cohort.end_of(cohort.interview_end)
    )
    cells: dict[int, dict] = {}
    seated = {}
    for seat in seats:
        seated[seat.user_id] = seat
        pair = seat.pair
        others = [s for s in members_of[seat.pair_id] if s.user_id != seat.user_id]
        partner = (
            Cell("solo (flagged)", DONE, sort=3)
            if pair.is_solo or not others
            else Cell(f"with {others[0].user.display_name}", DONE, sort=4)
        )
        problem = pair.current_problem
        if problem is None:
            problem_cell = Cell("none yet", MISSING if problem_due else PENDING, sort=0)
        elif problem.state == ProblemState.APPROVED:
            problem_cell = Cell("approved", DONE, sort=3)
        else:
            problem_cell = Cell(
                problem.get_state_display().lower(), MISSING if problem_due else PENDING, sort=1
            )
        shift = shifts.get(seat.pair_id)
        dates = (
            Cell(f"alternative: {RequestState(shift).label.lower()}", DONE, sort=1)
            if shift
            else Cell("official", DONE, sort=0)
        )
        booked = seat.pair_id in interviews
        interview = (
            Cell("booked", DONE, sort=1)
            if booked
            else Cell("not booked", MISSING if interviews_close else PENDING, sort=0)
        )
        cells[seat.user_id] = {
            "partner": partner,
            "problem": problem_cell,
            "dates": dates,
            "interview": interview,
        }
    without_partner = set()
    for user_id in user_ids:
        if user_id in seated:
            continue
        without_partner.add(user_id)
        if user_id in waiting_answer:
            partner = Cell("invitation pending", PENDING, sort=2)
        elif user_id in on_board:
            partner = Cell("on the board", PENDING, sort=1)
        else:
            partner = Cell("none", PENDING, sort=0)
        if after_partner_deadline:
            partner = Cell(partner.text, MISSING, sort=partner.sort)
        cells[user_id] = {
            "partner": partner,
            "problem": Cell("no pair", MISSING if problem_due else PENDING, sort=0),
            "interview": Cell("no pair", MISSING if interviews_close else PENDING, sort=0),
        }
    no_problem = {
        uid
        for uid, row in cells.items()
        if row["problem"].state != DONE and (uid in without_partner or uid in seated)
    }
    no_interview = {uid for uid, row in cells.items() if row["interview"].state != DONE}
    return Contribution(
        columns=[
            Column("partner", "Partner", order=30),
            Column("problem", "Problem", order=40),
            Column("dates", "Dates", order=50),
            Column("interview", "Interview", order=60),
        ],
        cells=cells,
        risks=[
            RiskRule(
                key="no_partner",
                short="no partner",
                label="no partner after the partner deadline",
                user_ids=frozenset(without_partner) if after_partner_deadline else frozenset(),
                applies=after_partner_deadline,
                help_url=reverse("sprints:partner_suggestions", kwargs={"slug": cohort.slug}),
                help_label="partner suggestions",
                order=20,
            ),
            RiskRule(
                key="no_problem",
                short="no approved problem",
                label="no approved problem with the sprint a week away",
                user_ids=frozenset(no_problem) if problem_due else frozenset(),
                applies=problem_due,
                order=30,
            ),
            RiskRule(
                key="no_interview",
                short="no interview",
                label="no interview booked with the interviews three days away",
                user_ids=frozenset(no_interview) if interviews_close else frozenset(),
                applies=interviews_close,
                order=40,
            ),
        ],
    )


# --- The staff's person page ---------------------------------------------------------------------


def person_pair(viewer, person, now):
    """The person's sprint pair: partner, problem, alternative dates and bookings."""
    from cohort.people import PersonSection

    pair = (
        Pair.objects.filter(
            cohort_id=person.cohort_id,
            dissolved_at__isnull=True,
            members__user_id=person.user_id,
            members__active=True,
        )
        .select_related("current_problem", "ta")
        .first()
    )
    partners, bookings, shift = [], [], None
    if pair is not None:
        partners = [
            seat.user
            for seat in PairMember.objects.filter(pair=pair, active=True)
            .exclude(user_id=person.user_id)
            .select_related("user")
        ]
        bookings = list(
            Booking.objects.filter(pair=pair, cancelled_at__isnull=True)
            .select_related("slot")
            .order_by("slot__starts_at")
        )
        shift = pair.date_shifts.order_by("-created_at", "-id").first()
    pending = list(
        PairInvitation.objects.filter(
            Q(from_user_id=person.user_id) | Q(to_user_id=person.user_id),
            cohort_id=person.cohort_id,
            state=InvitationState.PENDING,
        ).select_related("from_user", "to_user")
    )
    return PersonSection(
        title="Sprint pair",
        template="sprints/_person_pair.html",
        context={
            "pair": pair,
            "partners": partners,
            "bookings": bookings,
            "shift": shift,
            "pending": pending,
            "person": person,
        },
        order=30,
        anchor="pair",
    )


def pair_ta_may_view(viewer, user_id) -> bool:
    """The TA of a pair may open its members."""
    return (
        viewer.role == Role.TA
        and PairMember.objects.filter(
            cohort_id=viewer.cohort_id,
            user_id=user_id,
            active=True,
            pair__dissolved_at__isnull=True,
            pair__ta_id=viewer.user_id,
        ).exists()
    )
