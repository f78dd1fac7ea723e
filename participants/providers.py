"""The participants app's entries in the mentor overview and the home-page to-do list."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cohort.models import Membership, Role
from cohort.models.accounts import display_name_of
from cohort.overview import OverviewRow, OverviewSection
from cohort.people import PersonSection
from cohort.standing import Standing, stepped_back
from cohort.todo import TodoItem
from cohort.worklist import DONE, MISSING, NONE, PENDING, Cell, Column, Contribution, RiskRule
from participants import slides
from participants.models import (
    GoalsAnswer,
    HelpRequest,
    HelpState,
    Profile,
    TAAssignment,
    Withdrawal,
    WithdrawalScope,
)
from participants.queries import partner_user_ids
from participants.services import goals_deadline


def participants_overview(cohort, now) -> OverviewSection:
    members = list(
        Membership.objects.filter(cohort=cohort, role=Role.PARTICIPANT)
        .order_by("user__name", "user__email")
        .values(
            "user_id",
            "user__name",
            "user__email",
            "profile__photo",
            "profile__bio",
            "profile__interests",
            "goals_answer__submitted_at",
            "goals_answer__is_late",
            "withdrawal__scope",
            "withdrawal__reversed_at",
        )
    )
    on_board = partner_user_ids(cohort)

    def withdrawn(m, scope):  # an active withdrawal of this scope (Withdrawal.is_active)
        return m["withdrawal__scope"] == scope and m["withdrawal__reversed_at"] is None

    def complete(m):
        return Profile.complete(
            m["profile__photo"] or "", m["profile__bio"] or "", m["profile__interests"] or ""
        )

    active = [m for m in members if not withdrawn(m, WithdrawalScope.PROGRAM)]
    names = lambda ms: [display_name_of(m["user__name"], m["user__email"]) for m in ms]  # noqa: E731
    submitted = [m for m in active if m["goals_answer__submitted_at"]]
    rows = [
        OverviewRow(
            label=f"profile done, of {len(active)} active participants",
            people=names([m for m in active if not complete(m)]),
            count=sum(1 for m in active if complete(m)),
            note="still to finish theirs",
        ),
        OverviewRow(
            label="goals forms submitted on time",
            people=names([m for m in submitted if not m["goals_answer__is_late"]]),
        ),
        OverviewRow(
            label="goals forms submitted late",
            people=names([m for m in active if m["goals_answer__is_late"]]),
        ),
        OverviewRow(
            label="goals forms missing after the deadline"
            if now > goals_deadline(cohort)
            else "goals forms not submitted yet",
            people=names([m for m in active if not m["goals_answer__submitted_at"]]),
        ),
        OverviewRow(
            label="on the partner board"
            + (
                " after the partner deadline"
                if now > cohort.end_of(cohort.partner_deadline)
                else ""
            ),
            people=names([m for m in active if m["user_id"] in on_board]),
        ),
        OverviewRow(
            label="withdrawn from the program",
            people=names([m for m in members if withdrawn(m, WithdrawalScope.PROGRAM)]),
        ),
        OverviewRow(
            label="withdrawn from research-phase consideration only",
            people=names([m for m in members if withdrawn(m, WithdrawalScope.RESEARCH)]),
        ),
    ]
    return OverviewSection(title="Participants", rows=rows, order=20)


def participant_todo(membership, now) -> list[TodoItem]:
    if membership.role != Role.PARTICIPANT or stepped_back(membership):
        return []
    cohort, slug = membership.cohort, membership.cohort.slug
    # Both one-to-one rows of the membership in one query.
    both = (
        Membership.objects.filter(pk=membership.pk)
        .select_related("goals_answer", "profile")
        .first()
    )
    answer = getattr(both, "goals_answer", None)
    profile = getattr(both, "profile", None)

    def url(name):
        return reverse(f"participants:{name}", kwargs={"slug": slug})

    submitted = bool(answer and answer.submitted_at)
    goals_item = TodoItem(
        label="Fill in your goals form" if not submitted else "Goals form submitted",
        url=url("goals"),
        due=goals_deadline(cohort),
        done=submitted,
        detail="A draft is saved; remember to submit it."
        if answer and answer.has_unsubmitted_draft and not submitted
        else "",
    )
    return [
        goals_item,
        TodoItem(
            label="Complete your profile slide",
            url=url("edit_profile"),
            done=bool(profile and profile.is_complete),
            detail="A photo, a short bio and your interests.",
        ),
        TodoItem(
            label="Write your introduction",
            url=url("edit_intro"),
            done=bool(profile and profile.introduction),
        ),
    ]


def ta_todo(membership, now) -> list[TodoItem]:
    if membership.role != Role.TA:
        return []
    waiting = HelpRequest.objects.filter(
        cohort=membership.cohort,
        state=HelpState.OPEN,
        requester__ta_assignment__cohort=membership.cohort,
        requester__ta_assignment__ta=membership.user,
    ).count()
    if not waiting:
        return []
    return [
        TodoItem(
            label=f"{waiting} help request{'s' if waiting != 1 else ''} waiting for you",
            url=reverse("participants:ta_dashboard", kwargs={"slug": membership.cohort.slug}),
        )
    ]


# --- The mentor's work list ----------------------------------------------------------------------

HELP_WAITING_TOO_LONG = timedelta(days=1)


def participants_work_list(cohort, user_ids, now) -> Contribution:
    """Goals form and slide per person; goals late and help waiting too long."""
    members = Membership.objects.filter(cohort=cohort, role=Role.PARTICIPANT).values_list(
        "user_id",
        "profile__photo",
        "profile__bio",
        "profile__interests",
        "goals_answer__submitted_at",
        "goals_answer__is_late",
        "goals_answer__draft_saved_at",
        "withdrawal__scope",
        "withdrawal__reversed_at",
    )
    deadline = goals_deadline(cohort)
    goals_closed = now > deadline
    cells, inactive, goals_missing = {}, set(), set()
    for (
        user_id,
        photo,
        bio,
        interests,
        submitted_at,
        is_late,
        draft_at,
        scope,
        reversed_at,
    ) in members:
        if submitted_at:
            goals = Cell("late", DONE, sort=2) if is_late else Cell("submitted", DONE, sort=3)
        elif goals_closed:
            goals = Cell("missing", MISSING, sort=0)
            goals_missing.add(user_id)
        elif draft_at:
            goals = Cell("draft", PENDING, sort=1)
        else:
            goals = Cell("not yet", PENDING, sort=1)
        slide = (
            Cell("done", DONE, sort=1)
            if Profile.complete(photo or "", bio or "", interests or "")
            else Cell("unfinished", PENDING, sort=0)
        )
        row = {"goals": goals, "slide": slide}
        if scope is not None and reversed_at is None:  # an active withdrawal
            row["withdrawn"] = Cell(f"withdrawn ({WithdrawalScope(scope).label})", NONE, sort=1)
            if scope == WithdrawalScope.PROGRAM:
                inactive.add(user_id)
        cells[user_id] = row
    waiting = set(
        HelpRequest.objects.filter(
            cohort=cohort,
            state=HelpState.OPEN,
            created_at__lt=now - HELP_WAITING_TOO_LONG,
        ).values_list("requester_id", flat=True)
    )
    return Contribution(
        columns=[
            Column("goals", "Goals form", order=10),
            Column("slide", "Slide", order=20),
            Column("withdrawn", "Withdrawn", order=90),
        ],
        cells=cells,
        inactive=inactive,
        risks=[
            RiskRule(
                key="goals_missing",
                short="goals form missing",
                label="goals form missing after its deadline",
                user_ids=frozenset(goals_missing),
                applies=goals_closed,
                order=10,
            ),
            RiskRule(
                key="help_waiting",
                short="help waiting",
                label="an open help request older than a day",
                user_ids=frozenset(waiting),
                help_url=reverse("participants:ta_dashboard", kwargs={"slug": cohort.slug}),
                help_label="TA dashboard",
                order=60,
            ),
        ],
    )


# --- The staff's person page ---------------------------------------------------------------------


def ta_may_view(viewer, user_id) -> bool:
    """A TA may open the people assigned to them."""
    return (
        viewer.role == Role.TA
        and TAAssignment.objects.filter(
            cohort_id=viewer.cohort_id, ta_id=viewer.user_id, participant_id=user_id
        ).exists()
    )


def _profile_of(membership):
    try:
        return membership.profile
    except Profile.DoesNotExist:
        return None


def person_slide(viewer, person, now) -> PersonSection:
    membership = (
        Membership.objects.select_related("user", "profile", "withdrawal")
        .filter(pk=person.pk)
        .first()
    )
    assignment = (
        TAAssignment.objects.filter(cohort_id=person.cohort_id, participant_id=person.user_id)
        .select_related("ta")
        .first()
    )
    return PersonSection(
        title="Slide",
        template="participants/_person_slide.html",
        context={
            "m": membership,
            "slides": [slides.of(membership, _profile_of(membership), slug=person.cohort.slug)],
            "ta": assignment.ta if assignment else None,
        },
        order=10,
        anchor="slide",
    )


def person_goals(viewer, person, now) -> PersonSection | None:
    if not viewer.can("view_overview"):
        return None
    answer = GoalsAnswer.objects.filter(membership_id=person.pk).first()
    return PersonSection(
        title="Goals form",
        template="participants/_person_goals.html",
        context={
            "answer": answer if answer and answer.submitted_at else None,
            "deadline": goals_deadline(person.cohort),
        },
        order=20,
        anchor="goals",
    )


def person_help(viewer, person, now) -> PersonSection:
    requests_ = list(
        HelpRequest.objects.filter(cohort_id=person.cohort_id, requester_id=person.user_id)
        .select_related("claimed_by")
        .order_by("-created_at")[:20]
    )
    return PersonSection(
        title="Help requests",
        template="participants/_person_help.html",
        context={"requests": requests_},
        order=50,
        anchor="help",
    )


def withdrawal_standing(membership):
    """A participant who withdrew is told so on every page, with the way back."""
    if membership.role != Role.PARTICIPANT:
        return None
    try:
        withdrawal = membership.withdrawal  # joined by the page's membership query
    except Withdrawal.DoesNotExist:
        return None
    if withdrawal.reversed_at is not None:
        return None
    day = timezone.localtime(withdrawal.withdrawn_at, membership.cohort.tzinfo).date()
    if withdrawal.scope == WithdrawalScope.PROGRAM:
        return Standing(
            title=f"You withdrew from the program on {day:%-d %B %Y}.",
            body="Sprint pairs, bookings and the partner and pairing boards are closed to you. To "
            "come back, ask your mentor: they can reverse the withdrawal, and everything you saved "
            "is still here.",
            stepped_back=True,
            url=reverse("participants:withdraw", kwargs={"slug": membership.cohort.slug}),
        )
    return Standing(
        title=f"You withdrew from research-phase consideration on {day:%-d %B %Y}.",
        body="You still do the sprint with your partner. To be considered again, ask your mentor.",
        url=reverse("participants:withdraw", kwargs={"slug": membership.cohort.slug}),
    )
