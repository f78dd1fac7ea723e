"""The participants app's entries in the mentor overview and the home-page to-do list."""

from django.urls import reverse
from django.utils import timezone

from cohort.models import Membership, Role
from cohort.overview import OverviewRow, OverviewSection
from cohort.standing import Standing, stepped_back
from cohort.todo import TodoItem
from participants.models import (
    GoalsAnswer,
    HelpRequest,
    HelpState,
    Profile,
    Withdrawal,
    WithdrawalScope,
)
from participants.queries import partner_user_ids
from participants.services import goals_deadline


def participants_overview(cohort) -> OverviewSection:
    members = list(
        Membership.objects.filter(cohort=cohort, role=Role.PARTICIPANT)
        .select_related("user", "profile", "goals_answer", "withdrawal")
        .order_by("user__name", "user__email")
    )
    on_board = partner_user_ids(cohort)

    def withdrawn(m, scope):
        w = getattr(m, "withdrawal", None)
        return w is not None and w.is_active and w.scope == scope

    active = [m for m in members if not withdrawn(m, WithdrawalScope.PROGRAM)]
    names = lambda ms: [m.user.display_name for m in ms]  # noqa: E731
    complete = [m for m in active if _profile(m) and _profile(m).is_complete]
    goals = {m.pk: getattr(m, "goals_answer", None) for m in active}
    on_time = [
        m for m in active if goals[m.pk] and goals[m.pk].submitted_at and not goals[m.pk].is_late
    ]
    late = [m for m in active if goals[m.pk] and goals[m.pk].is_late]
    missing = [m for m in active if not (goals[m.pk] and goals[m.pk].submitted_at)]
    board = [m for m in active if m.user_id in on_board]
    from django.utils import timezone

    after_partner_deadline = timezone.now() > cohort.end_of(cohort.partner_deadline)
    rows = [
        OverviewRow(
            label=f"profile done, of {len(active)} active participants",
            people=[n for n in names(active) if n not in set(names(complete))],
            count=len(complete),
            note="still to finish theirs",
        ),
        OverviewRow(label="goals forms submitted on time", people=names(on_time)),
        OverviewRow(label="goals forms submitted late", people=names(late)),
        OverviewRow(label="goals forms not submitted yet", people=names(missing)),
        OverviewRow(
            label="on the partner board"
            + (" after the partner deadline" if after_partner_deadline else ""),
            people=names(board),
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


def _profile(membership):
    return getattr(membership, "profile", None)


def participant_todo(membership, now) -> list[TodoItem]:
    if membership.role != Role.PARTICIPANT or stepped_back(membership):
        return []
    cohort, slug = membership.cohort, membership.cohort.slug
    answer = GoalsAnswer.objects.filter(membership=membership).first()
    profile = Profile.objects.filter(membership=membership).first()

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


def withdrawal_standing(membership):
    """A participant who withdrew is told so on every page, with the way back."""
    if membership.role != Role.PARTICIPANT:
        return None
    withdrawal = Withdrawal.objects.filter(membership=membership, reversed_at__isnull=True).first()
    if withdrawal is None:
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
