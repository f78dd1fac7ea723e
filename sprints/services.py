"""Writes of the sprints app. Each raises `SprintError` with a message for the person when a
rule refuses it; the database constraints are the last line behind the row locks."""

from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cohort.models import Cohort, Membership, Role, User
from cohort.standing import stepped_back
from sprints import notifications, queries
from sprints.models import (
    Booking,
    DateShiftEntry,
    DateShiftRequest,
    Decision,
    Idea,
    InvitationState,
    Pair,
    PairInvitation,
    PairMember,
    ProblemState,
    ProblemSubmission,
    RequestState,
    Selection,
    Slot,
    SlotKind,
    SprintSettings,
)
from sprints.signals import pair_dissolved, pair_formed


class SprintError(Exception):
    """A rule refused the action; the message is meant for the person who tried it."""


class SelectionFull(SprintError):
    pass


CLOSED_MESSAGE = "Sprint pairs closed when the sprint started; ask the mentor for any change."


def _refuse_after_start(cohort: Cohort, now: datetime | None = None) -> None:
    if queries.sprint_has_started(cohort, now):
        raise SprintError(CLOSED_MESSAGE)


def _lock_people(cohort: Cohort, user_ids) -> None:
    """Lock the memberships of these people, always in the same order so that racing requests
    queue behind each other instead of deadlocking."""
    list(
        Membership.objects.select_for_update()
        .filter(cohort=cohort, user_id__in=sorted(set(user_ids)))
        .order_by("user_id")
        .values_list("pk", flat=True)
    )


def _is_seated(cohort: Cohort, user_id: int) -> bool:
    return PairMember.objects.filter(cohort=cohort, user_id=user_id, active=True).exists()


# Pairs and invitations ----------------------------------------------------------------------


WITHDRAWN_MESSAGE = (
    "You have withdrawn from the program, so you cannot invite anyone. To come back, ask your "
    "mentor to reverse the withdrawal."
)


def invite_partner(
    *, cohort: Cohort, from_user: User, to_user: User, suggested_by: User | None = None
) -> PairInvitation:
    """Invite someone to be sprint partners; notifies them."""
    if from_user.pk == to_user.pk:
        raise SprintError("You cannot invite yourself.")
    _refuse_after_start(cohort)
    if not suggested_by and stepped_back(
        Membership.objects.filter(cohort=cohort, user=from_user).first()
    ):
        raise SprintError(WITHDRAWN_MESSAGE)
    with transaction.atomic():
        _lock_people(cohort, [from_user.pk, to_user.pk])
        invitable = queries.invitable_participants(cohort)
        if not invitable.filter(pk=from_user.pk).exists():
            raise SprintError("You are already in a sprint pair or a solo sprint.")
        if not invitable.filter(pk=to_user.pk).exists():
            raise SprintError(f"{to_user.display_name} cannot be invited: they are not free.")
        if PairInvitation.objects.filter(
            cohort=cohort, from_user=from_user, to_user=to_user, state=InvitationState.PENDING
        ).exists():
            raise SprintError(f"You have already invited {to_user.display_name}.")
        invitation = PairInvitation.objects.create(
            cohort=cohort, from_user=from_user, to_user=to_user, suggested_by=suggested_by
        )
        notifications.notify_pair_invitation(invitation)
    return invitation


def _pending_of(cohort: Cohort, user_ids):
    return PairInvitation.objects.filter(
        Q(from_user_id__in=user_ids) | Q(to_user_id__in=user_ids),
        cohort=cohort,
        state=InvitationState.PENDING,
    )


def _lock_pending_of(cohort: Cohort, user_ids) -> None:
    """Lock these people's pending invitations in id order: two pairs forming at once may share
    invitations, and taking them in one order keeps them from deadlocking."""
    list(_pending_of(cohort, user_ids).select_for_update().order_by("pk").values_list("pk"))


def _cancel_pending_of(cohort: Cohort, user_ids, now) -> int:
    return _pending_of(cohort, user_ids).update(state=InvitationState.CANCELLED, decided_at=now)


def _send_on_commit(signal, pair: Pair, users: list[User]) -> None:
    transaction.on_commit(lambda: signal.send(sender=Pair, pair=pair, users=users))


def accept_invitation(*, invitation_id: int, user: User) -> Pair:
    """Accept an invitation: forms the pair, cancels every other pending invitation of both,
    and sends `pair_formed` after commit."""
    invitation = PairInvitation.objects.select_related("cohort").get(pk=invitation_id)
    cohort = invitation.cohort
    if invitation.to_user_id != user.pk:
        raise SprintError("This invitation is not addressed to you.")
    _refuse_after_start(cohort)
    now = timezone.now()
    with transaction.atomic():
        _lock_people(cohort, [invitation.from_user_id, invitation.to_user_id])
        _lock_pending_of(cohort, [invitation.from_user_id, invitation.to_user_id])
        invitation = PairInvitation.objects.select_related("from_user", "to_user").get(
            pk=invitation_id
        )
        if invitation.state != InvitationState.PENDING:
            raise SprintError("This invitation is no longer open.")
        if _is_seated(cohort, invitation.from_user_id):
            raise SprintError(f"{invitation.from_user.display_name} is already in a pair.")
        if _is_seated(cohort, invitation.to_user_id):
            raise SprintError("You are already in a pair.")
        try:
            with transaction.atomic():
                pair = Pair.objects.create(cohort=cohort, formed_at=now)
                PairMember.objects.create(
                    pair=pair, cohort=cohort, user=invitation.from_user, slot=1
                )
                PairMember.objects.create(pair=pair, cohort=cohort, user=invitation.to_user, slot=2)
        except IntegrityError:
            raise SprintError("One of you is already in a pair.") from None
        invitation.state = InvitationState.ACCEPTED
        invitation.decided_at = now
        invitation.save(update_fields=["state", "decided_at"])
        _cancel_pending_of(cohort, [invitation.from_user_id, invitation.to_user_id], now)
        _send_on_commit(pair_formed, pair, [invitation.from_user, invitation.to_user])
    return pair


def decline_invitation(*, invitation: PairInvitation, user: User) -> None:
    """The invited person says no; nothing else changes."""
    _close_invitation(invitation, user, "to_user_id", InvitationState.DECLINED)


def cancel_invitation(*, invitation: PairInvitation, user: User) -> None:
    """The inviting person withdraws their invitation."""
    _close_invitation(invitation, user, "from_user_id", InvitationState.CANCELLED)


def _close_invitation(invitation, user, party, state):
    if getattr(invitation, party) != user.pk:
        raise SprintError("This invitation is not yours to change.")
    with transaction.atomic():
        updated = PairInvitation.objects.filter(
            pk=invitation.pk, state=InvitationState.PENDING
        ).update(state=state, decided_at=timezone.now())
    if not updated:
        raise SprintError("This invitation is no longer open.")


def declare_solo(*, cohort: Cohort, user: User) -> Pair:
    """Declare a solo sprint (flagged to the mentor); cancels the person's pending invitations."""
    _refuse_after_start(cohort)
    now = timezone.now()
    with transaction.atomic():
        _lock_people(cohort, [user.pk])
        _lock_pending_of(cohort, [user.pk])
        if _is_seated(cohort, user.pk):
            raise SprintError("You are already in a sprint pair or a solo sprint.")
        pair = Pair.objects.create(cohort=cohort, is_solo=True, formed_at=now)
        PairMember.objects.create(pair=pair, cohort=cohort, user=user, slot=1)
        _cancel_pending_of(cohort, [user.pk], now)
        _send_on_commit(pair_formed, pair, [user])
    return pair


def dissolve_pair(*, pair: Pair, by: User, as_mentor: bool = False) -> None:
    """End a pair: before the sprint by a member, at any time by the mentor. The others are
    notified, and `pair_dissolved` is sent after commit so the board takes them back."""
    cohort = pair.cohort
    with transaction.atomic():
        members = list(PairMember.objects.select_related("user").filter(pair=pair, active=True))
        if not as_mentor:
            if by.pk not in {m.user_id for m in members}:
                raise SprintError("Only a member of the pair can dissolve it.")
            _refuse_after_start(cohort)
        _lock_people(cohort, [m.user_id for m in members])
        pair = Pair.objects.select_for_update().get(pk=pair.pk)
        if pair.dissolved_at is not None:
            raise SprintError("This pair has been dissolved already.")
        pair.dissolved_at = timezone.now()
        pair.save(update_fields=["dissolved_at"])
        PairMember.objects.filter(pair=pair).update(active=False)
        Booking.objects.filter(pair=pair, cancelled_at__isnull=True).update(
            cancelled_at=pair.dissolved_at
        )
        users = [m.user for m in members]
        for user in users:
            if user.pk != by.pk:
                notifications.notify_pair_dissolved(pair, user, by)
        _send_on_commit(pair_dissolved, pair, users)


def _member_ids(pair: Pair) -> set[int]:
    return set(PairMember.objects.filter(pair=pair, active=True).values_list("user_id", flat=True))


def _require_member(pair: Pair, user: User) -> None:
    if pair.dissolved_at is not None or user.pk not in _member_ids(pair):
        raise SprintError("This is not your pair.")


# Research problem ---------------------------------------------------------------------------


def submit_problem(
    *,
    pair: Pair,
    user: User,
    idea: Idea | None = None,
    title: str = "",
    question: str = "",
    why: str = "",
    plan: str = "",
    risks: str = "",
) -> ProblemSubmission:
    """Choose an idea from the list (approved at once: the mentor wrote it) or propose a problem
    (pending until the mentor decides). A pending round is edited in place; after a decision
    a new round starts, and every round is kept."""
    _require_member(pair, user)
    if idea is not None and idea.cohort_id != pair.cohort_id:
        raise SprintError("That idea is not from this cohort.")
    if idea is None and not title.strip():
        raise SprintError("A proposal needs a title.")
    with transaction.atomic():
        pair = Pair.objects.select_for_update().get(pk=pair.pk)
        current = pair.current_problem
        if (
            current is not None
            and current.state == ProblemState.APPROVED
            and queries.sprint_has_started(pair.cohort)
        ):
            raise SprintError(
                "The sprint has started, so your approved problem stays as it is. Ask the "
                "mentor if it really must change."
            )
        fields = {
            "idea": idea,
            "title": idea.title if idea else title.strip(),
            "question": question,
            "why": why,
            "plan": plan,
            "risks": risks,
            "submitted_by": user,
            "submitted_at": timezone.now(),
            "state": ProblemState.APPROVED if idea else ProblemState.PENDING,
            "decided_at": timezone.now() if idea else None,
        }
        if current is not None and current.state == ProblemState.PENDING:
            for name, value in fields.items():
                setattr(current, name, value)
            current.save()
            return current
        last_round = current.round if current else 0
        submission = ProblemSubmission.objects.create(pair=pair, round=last_round + 1, **fields)
        pair.current_problem = submission
        pair.save(update_fields=["current_problem"])
    return submission


def decide_problem(
    *, submission: ProblemSubmission, approve: bool, comment: str = "", by: User | None = None
) -> ProblemSubmission:
    """Approve a pending proposal or send it back with a comment; notifies both members."""
    if not approve and not comment.strip():
        raise SprintError("Say what should change when sending a proposal back.")
    with transaction.atomic():
        submission = ProblemSubmission.objects.select_for_update().get(pk=submission.pk)
        if submission.state != ProblemState.PENDING:
            raise SprintError(f"“{submission.title}” is not waiting for a decision.")
        submission.state = ProblemState.APPROVED if approve else ProblemState.SENT_BACK
        submission.mentor_comment = comment.strip()
        submission.decided_at = timezone.now()
        submission.save(update_fields=["state", "mentor_comment", "decided_at"])
        members = [
            m.user
            for m in PairMember.objects.select_related("user").filter(
                pair_id=submission.pair_id, active=True
            )
        ]
        notifications.notify_problem_decided(submission, members)
    return submission


# Alternative dates --------------------------------------------------------------------------


def check_alternative_dates(
    *, cohort: Cohort, rules: SprintSettings, entries: list[tuple[date, date]]
) -> None:
    """Refuse dates that end too late or give the pair too few person-days."""
    latest = cohort.sprint_end + timedelta(days=rules.max_days_late)
    for start, end in entries:
        if end < start:
            raise SprintError("Each end date must be on or after its start date.")
        if end > latest:
            raise SprintError(
                f"These dates end on {end:%-d %b}, more than {rules.max_days_late} days after "
                f"the sprint's official end ({cohort.sprint_end:%-d %b}). The latest possible "
                f"end is {latest:%-d %b}."
            )
    needed = rules.min_person_days * len(entries) / 2
    total = sum((end - start).days + 1 for start, end in entries)
    if total < needed:
        raise SprintError(
            f"Together these dates give {total} person-days; a pair needs at least "
            f"{rules.min_person_days} (counting both members)."
        )


def request_alternative_dates(
    *, pair: Pair, user: User, dates: dict[int, tuple[date, date]], reason: str = ""
) -> DateShiftRequest:
    """Ask the mentor for new sprint dates, one start and end per member."""
    _require_member(pair, user)
    members = _member_ids(pair)
    if set(dates) != members:
        raise SprintError("Give new dates for every member of the pair.")
    check_alternative_dates(
        cohort=pair.cohort, rules=queries.settings_for(pair.cohort), entries=list(dates.values())
    )
    with transaction.atomic():
        DateShiftRequest.objects.filter(pair=pair, state=RequestState.PENDING).update(
            state=RequestState.DECLINED, decided_at=timezone.now()
        )
        request = DateShiftRequest.objects.create(pair=pair, requested_by=user, reason=reason)
        DateShiftEntry.objects.bulk_create(
            DateShiftEntry(request=request, user_id=uid, start_date=s, end_date=e)
            for uid, (s, e) in dates.items()
        )
    return request


def decide_alternative_dates(*, request: DateShiftRequest, approve: bool) -> DateShiftRequest:
    """The mentor approves or declines a pending request for new dates."""
    with transaction.atomic():
        request = DateShiftRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != RequestState.PENDING:
            raise SprintError("This request has been decided already.")
        request.state = RequestState.APPROVED if approve else RequestState.DECLINED
        request.decided_at = timezone.now()
        request.save(update_fields=["state", "decided_at"])
    return request


def set_writeup(*, pair: Pair, user: User, url: str) -> None:
    """The pair records the link to its final write-up."""
    _require_member(pair, user)
    with transaction.atomic():
        Pair.objects.filter(pk=pair.pk).update(writeup_url=url)


# Slots and bookings -------------------------------------------------------------------------

SLOT_MINUTES = {SlotKind.DROPIN: (5, 10), SlotKind.INTERVIEW: (60, 120)}


def publish_slots(
    *,
    cohort: Cohort,
    kind: str,
    day: date,
    start: time,
    end: time,
    minutes: int,
    host: User | None = None,
) -> list[Slot]:
    """Cut a block of time on one day (cohort time) into back-to-back slots; skips existing."""
    low, high = SLOT_MINUTES[kind]
    if not low <= minutes <= high:
        raise SprintError(f"{SlotKind(kind).label} slots last {low} to {high} minutes.")
    if kind == SlotKind.DROPIN:
        first, last = cohort.sprint_start, cohort.sprint_end
        rules = queries.settings_for(cohort)
        last += timedelta(days=rules.max_days_late)
        if not first <= day <= last:
            raise SprintError("Drop-in slots must fall during the sprint.")
    elif not cohort.interview_start <= day <= cohort.interview_end:
        raise SprintError("Interview slots must fall on the interview days.")
    tz = cohort.tzinfo
    moment = datetime.combine(day, start, tzinfo=tz)
    finish = datetime.combine(day, end, tzinfo=tz)
    step = timedelta(minutes=minutes)
    created = []
    with transaction.atomic():
        existing = set(
            Slot.objects.filter(cohort=cohort, kind=kind).values_list("starts_at", flat=True)
        )
        while moment + step <= finish:
            if moment not in existing:
                created.append(
                    Slot.objects.create(
                        cohort=cohort, kind=kind, starts_at=moment, ends_at=moment + step, host=host
                    )
                )
            moment += step
    if not created:
        raise SprintError("No new slots fit in that block.")
    return created


def book_slot(*, slot_id: int, pair: Pair, user: User, now: datetime | None = None) -> Booking:
    """Book a slot for the pair: a slot once only, one interview per pair, and at most the
    cohort's number of future drop-ins at a time."""
    now = now or timezone.now()
    with transaction.atomic():
        pair = Pair.objects.select_for_update().select_related("cohort").get(pk=pair.pk)
        _require_member(pair, user)
        slot = Slot.objects.select_for_update().get(pk=slot_id)
        if slot.cohort_id != pair.cohort_id:
            raise SprintError("That slot is not in this cohort.")
        if slot.starts_at <= now:
            raise SprintError("That slot has already started.")
        live = Booking.objects.filter(pair=pair, cancelled_at__isnull=True)
        if slot.kind == SlotKind.INTERVIEW and live.filter(kind=SlotKind.INTERVIEW).exists():
            raise SprintError("Your pair has an interview booked already; cancel it to move it.")
        if slot.kind == SlotKind.DROPIN:
            limit = queries.settings_for(pair.cohort).max_future_dropins
            future = live.filter(kind=SlotKind.DROPIN, slot__starts_at__gt=now).count()
            if future >= limit:
                raise SprintError(
                    f"Your pair can hold {limit} future drop-in{'s' if limit != 1 else ''} at "
                    "a time; use or cancel the one you have first."
                )
        if Booking.objects.filter(slot=slot, cancelled_at__isnull=True).exists():
            raise SprintError("Sorry, that slot has just been taken.")
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    slot=slot, pair=pair, kind=slot.kind, booked_by=user, created_at=now
                )
        except IntegrityError:
            raise SprintError("Sorry, that slot has just been taken.") from None
    return booking


def cancel_booking(*, booking: Booking, user: User, now: datetime | None = None) -> None:
    """Cancel a booking up to the cohort's cancel window before it starts; frees the slot."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update().select_related("slot", "pair").get(pk=booking.pk)
        )
        _require_member(booking.pair, user)
        if booking.cancelled_at is not None:
            raise SprintError("This booking is cancelled already.")
        hours = queries.settings_for(booking.pair.cohort).cancel_hours_before
        if booking.slot.starts_at - now < timedelta(hours=hours):
            raise SprintError(
                f"Bookings can be cancelled up to {hours} hour{'s' if hours != 1 else ''} "
                "before they start."
            )
        booking.cancelled_at = now
        booking.save(update_fields=["cancelled_at"])


# Selection ----------------------------------------------------------------------------------


def selection_full_message(cohort: Cohort) -> str:
    return (
        f"All {cohort.research_places} research-phase places are taken. Change another "
        "participant's decision first."
    )


def decide_selection(
    *, cohort: Cohort, user: User, decision: str, referred_to: str = "", note: str = ""
) -> Selection:
    """Record the research-phase decision for one participant, never selecting more people than
    the cohort has places: the cohort row is locked while counting."""
    if decision == Decision.REFERRED and not referred_to.strip():
        raise SprintError("Name the mentor the participant is referred to.")
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
        selection, _ = Selection.objects.get_or_create(cohort=cohort, user=user)
        if decision == Decision.SELECTED and selection.decision != Decision.SELECTED:
            taken = Selection.objects.filter(cohort=cohort, decision=Decision.SELECTED).count()
            if taken >= cohort.research_places:
                raise SelectionFull(selection_full_message(cohort))
        selection.decision = decision
        selection.referred_to = referred_to.strip()
        selection.note = note
        selection.decided_at = timezone.now()
        selection.save()
    return selection


# Partner suggestions ------------------------------------------------------------------------


def send_suggested_invitations(*, cohort: Cohort, pairs: list[tuple[int, int]], by: User) -> int:
    """Send the mentor's proposed pairing as invitations, skipping anyone no longer free."""
    users = User.objects.in_bulk({uid for pair in pairs for uid in pair})
    sent = 0
    for a, b in pairs:
        try:
            invite_partner(cohort=cohort, from_user=users[a], to_user=users[b], suggested_by=by)
        except (SprintError, KeyError):
            continue
        sent += 1
    return sent


def is_participant(cohort: Cohort, user: User) -> bool:
    return Membership.objects.filter(cohort=cohort, user=user, role=Role.PARTICIPANT).exists()
