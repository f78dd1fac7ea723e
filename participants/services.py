"""Writes of the participants app that have side effects."""

from collections import Counter
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cohort import fragments
from cohort.models import Cohort, Membership, Role, User
from cohort.validation import TEXT_MAX_LENGTH, without_control_characters
from participants import notifications, pairs
from participants.models import (
    GoalsAnswer,
    HelpComment,
    HelpRequest,
    HelpState,
    PairingJoin,
    PairingTopic,
    PartnerEntry,
    PartnerInterest,
    Profile,
    TAAssignment,
    Withdrawal,
    WithdrawalScope,
)
from participants.queries import active_memberships

GOALS_FIELDS = ["hopes", "hours_per_week", "experience", "topics", "wants_partner", "sprint_hopes"]


class DeadlinePassed(Exception):
    """The goals form has closed for this person and the mentor has not reopened it."""


# --- Profiles --------------------------------------------------------------------------------


def update_profile(
    *,
    membership: Membership,
    user_fields: dict,
    profile_fields: dict,
    photo=None,
    remove_photo: bool = False,
) -> Profile:
    """Save a member's slide and their name and timezone; replaces and deletes the old photo."""
    with transaction.atomic():
        profile, _ = Profile.objects.select_for_update().get_or_create(membership=membership)
        user = membership.user
        for name, value in user_fields.items():
            setattr(user, name, value)
        user.save(update_fields=list(user_fields))
        for name, value in profile_fields.items():
            setattr(profile, name, value)
        old_photo = profile.photo.name if profile.photo else ""
        if photo is not None:
            profile.photo.save(photo.name, photo, save=False)
        elif remove_photo:
            profile.photo = ""
        profile.save()
        if old_photo and old_photo != (profile.photo.name or ""):
            storage = profile.photo.storage
            transaction.on_commit(lambda: storage.delete(old_photo))
    return profile


def save_introduction(*, membership: Membership, text: str) -> Profile:
    """Save the introduction shown on the person's slide and in the cohort's list."""
    with transaction.atomic():
        profile, _ = Profile.objects.select_for_update().get_or_create(membership=membership)
        profile.introduction = text.strip()
        profile.introduced_at = timezone.now() if profile.introduction else None
        profile.save(update_fields=["introduction", "introduced_at", "updated_at"])
    return profile


# --- Goals form ------------------------------------------------------------------------------


def goals_deadline(cohort: Cohort) -> datetime:
    return cohort.end_of(cohort.goals_form_due)


def goals_open_for(answer: GoalsAnswer | None, cohort: Cohort, now: datetime) -> bool:
    """Before the deadline everyone may submit; afterwards only those the mentor reopened."""
    return now <= goals_deadline(cohort) or (answer is not None and answer.reopened_at is not None)


def save_goals_draft(*, membership: Membership, data: dict) -> GoalsAnswer:
    """Keep what the person typed, submitted or not, whatever the deadline; sends nothing."""
    clean = {
        name: without_control_characters(str(data.get(name, "")))[:TEXT_MAX_LENGTH]
        for name in GOALS_FIELDS
    }
    with transaction.atomic():
        answer, _ = GoalsAnswer.objects.select_for_update().get_or_create(membership=membership)
        answer.draft = clean
        answer.draft_saved_at = timezone.now()
        answer.save(update_fields=["draft", "draft_saved_at"])
    return answer


def submit_goals(
    *, membership: Membership, answers: dict, now: datetime | None = None
) -> GoalsAnswer:
    """Submit the goals form, marked late after the deadline; clears the draft.

    Raises DeadlinePassed (after keeping the text as a draft) when the form is closed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        answer, _ = GoalsAnswer.objects.select_for_update().get_or_create(membership=membership)
        if not goals_open_for(answer, membership.cohort, now):
            answer.draft = {name: _draftable(answers.get(name)) for name in GOALS_FIELDS}
            answer.draft_saved_at = now
            answer.save(update_fields=["draft", "draft_saved_at"])
            closed = True
        else:
            closed = False
            for name in GOALS_FIELDS:
                setattr(answer, name, answers.get(name) if answers.get(name) is not None else "")
            if answer.hours_per_week == "":
                answer.hours_per_week = None
            answer.submitted_at = now
            answer.is_late = now > goals_deadline(membership.cohort)
            answer.draft = {}
            answer.draft_saved_at = None
            answer.save()
    if closed:
        raise DeadlinePassed
    return answer


def _draftable(value) -> str:
    return "" if value is None else str(value)


def reopen_goals(*, membership: Membership, by: User) -> GoalsAnswer:
    """Let one person submit the goals form after its deadline (marked late)."""
    with transaction.atomic():
        answer, _ = GoalsAnswer.objects.select_for_update().get_or_create(membership=membership)
        answer.reopened_at = timezone.now()
        answer.reopened_by = by
        answer.save(update_fields=["reopened_at", "reopened_by"])
    return answer


def close_goals(*, membership: Membership) -> None:
    """Withdraw a reopening: the person can no longer submit after the deadline."""
    GoalsAnswer.objects.filter(membership=membership).update(reopened_at=None, reopened_by=None)
    fragments.bump(membership.cohort_id, "people")


# --- Withdrawal ------------------------------------------------------------------------------


def withdraw(*, membership: Membership, scope: str, reason: str = "") -> Withdrawal:
    """Record a withdrawal; leaving the program also takes the person off both boards."""
    with transaction.atomic():
        withdrawal, _ = Withdrawal.objects.update_or_create(
            membership=membership,
            defaults={
                "scope": scope,
                "reason": reason.strip(),
                "withdrawn_at": timezone.now(),
                "reversed_at": None,
                "reversed_by": None,
            },
        )
        if scope == WithdrawalScope.PROGRAM:
            remove_from_partner_board(cohort=membership.cohort, users=[membership.user])
            PairingTopic.objects.filter(cohort=membership.cohort, owner=membership.user).delete()
            PairingJoin.objects.filter(
                topic__cohort=membership.cohort, user=membership.user
            ).delete()
    return withdrawal


def reverse_withdrawal(*, withdrawal: Withdrawal, by: User) -> None:
    """Undo a withdrawal (mentor only); the person rejoins the gallery, not the boards."""
    with transaction.atomic():
        Withdrawal.objects.filter(pk=withdrawal.pk, reversed_at__isnull=True).update(
            reversed_at=timezone.now(), reversed_by=by
        )
        fragments.bump(withdrawal.membership.cohort_id, "people")


# --- Partner board ---------------------------------------------------------------------------


def save_partner_entry(*, cohort: Cohort, user: User, fields: dict) -> PartnerEntry:
    """Add the person to the partner board, or update their entry.

    Raises ValidationError for someone who has withdrawn from the program, or who is in a
    sprint pair already (pairing takes people off the board).
    """
    if pairs.in_a_pair(cohort, user):
        raise ValidationError(
            "You are in a sprint pair already, so you are off the partner board. If your pair "
            "is dissolved, your entry comes back."
        )
    if Withdrawal.objects.filter(
        membership__cohort=cohort,
        membership__user=user,
        scope=WithdrawalScope.PROGRAM,
        reversed_at__isnull=True,
    ).exists():
        raise ValidationError("You have withdrawn from the program, so you can't join the board.")
    with transaction.atomic():
        entry, _ = PartnerEntry.objects.update_or_create(cohort=cohort, user=user, defaults=fields)
    return entry


def remove_from_partner_board(*, cohort: Cohort, users: list[User]) -> int:
    """Take people off the partner board (they left, or found a partner); returns how many.

    The sprints app calls this when a pair forms. Interest shown on their entries goes too.
    """
    with transaction.atomic():
        _deleted, per_model = PartnerEntry.objects.filter(
            cohort=cohort, user__in=[u.pk for u in users]
        ).delete()
    return per_model.get(PartnerEntry._meta.label, 0)


def take_paired_off_board(*, cohort: Cohort, users: list[User]) -> int:
    """People who formed a sprint pair leave the board; their entries wait, unchanged."""
    with transaction.atomic():
        fragments.bump(cohort.pk, "partners")
        return PartnerEntry.objects.filter(
            cohort=cohort, user__in=[u.pk for u in users], paired_at__isnull=True
        ).update(paired_at=timezone.now())


def put_back_on_board(*, cohort: Cohort, users: list[User]) -> int:
    """People whose sprint pair was dissolved are back on the board with their old entry."""
    with transaction.atomic():
        fragments.bump(cohort.pk, "partners")
        return PartnerEntry.objects.filter(
            cohort=cohort, user__in=[u.pk for u in users], paired_at__isnull=False
        ).update(paired_at=None)


def mark_interest(*, entry: PartnerEntry, user: User, note: str = "") -> PartnerInterest:
    """Tell an entry's owner that `user` is interested, with a note; updates an earlier note."""
    if entry.user_id == user.pk:
        raise ValidationError("That is your own entry.")
    with transaction.atomic():
        try:
            with transaction.atomic():
                interest, created = PartnerInterest.objects.update_or_create(
                    entry=entry, user=user, defaults={"note": note.strip()}
                )
        except IntegrityError:  # a double click raced us; the first one told the owner
            interest, created = PartnerInterest.objects.get(entry=entry, user=user), False
        if created:
            notifications.notify_partner_interest(interest)
    return interest


def withdraw_interest(*, entry: PartnerEntry, user: User) -> None:
    """Take back an "interested" mark."""
    PartnerInterest.objects.filter(entry=entry, user=user).delete()


# --- Pair-programming board ------------------------------------------------------------------


def add_pairing_topic(*, cohort: Cohort, owner: User, fields: dict) -> PairingTopic:
    """Post a topic to pair on; the owner is in it from the start."""
    with transaction.atomic():
        topic = PairingTopic.objects.create(cohort=cohort, owner=owner, **fields)
        PairingJoin.objects.create(topic=topic, user=owner)
    return topic


def toggle_pairing_join(*, topic: PairingTopic, user: User) -> bool:
    """Join a topic, or leave it if already in; returns whether the person is now in."""
    with transaction.atomic():
        deleted, _ = PairingJoin.objects.filter(topic=topic, user=user).delete()
        if deleted:
            return False
        try:
            with transaction.atomic():
                PairingJoin.objects.create(topic=topic, user=user)
        except IntegrityError:
            pass  # a double click raced us: they are in
        return True


def remove_pairing_topic(*, topic: PairingTopic) -> None:
    """Delete a topic and its list of who is in."""
    topic.delete()


# --- TAs and help requests -------------------------------------------------------------------


def assign_ta(*, cohort: Cohort, participant: User, ta: User) -> TAAssignment:
    """Make `ta` the TA of `participant`; tells the TA."""
    with transaction.atomic():
        assignment, created = TAAssignment.objects.select_for_update().get_or_create(
            cohort=cohort, participant=participant, defaults={"ta": ta}
        )
        if not created and assignment.ta_id != ta.pk:
            assignment.ta = ta
            assignment.assigned_at = timezone.now()
            assignment.save(update_fields=["ta", "assigned_at"])
            created = True
        if created:
            notifications.notify_ta_assigned([assignment])
    return assignment


def spread_participants_evenly(*, cohort: Cohort, rebalance: bool = False) -> list[TAAssignment]:
    """Give every active participant without a TA the least loaded TA; tells each TA once.

    With `rebalance`, everyone is dealt out afresh. Returns the assignments made or changed.
    """
    with transaction.atomic():
        tas = list(
            User.objects.filter(memberships__cohort=cohort, memberships__role=Role.TA).order_by(
                "name", "pk"
            )
        )
        if not tas:
            return []
        existing = {
            a.participant_id: a
            for a in TAAssignment.objects.select_for_update().filter(cohort=cohort)
        }
        participants = [
            m.user
            for m in active_memberships(cohort)
            .filter(role=Role.PARTICIPANT)
            .order_by("user__name", "user__pk")
        ]
        load = Counter({ta.pk: 0 for ta in tas})
        if not rebalance:
            for assignment in existing.values():
                if assignment.ta_id in load:
                    load[assignment.ta_id] += 1
        changed = []
        for person in participants:
            current = existing.get(person.pk)
            if current is not None and not rebalance and current.ta_id in load:
                continue
            ta_id = min(load, key=lambda pk: (load[pk], list(load).index(pk)))
            load[ta_id] += 1
            if current is None:
                current = TAAssignment.objects.create(
                    cohort=cohort, participant=person, ta_id=ta_id
                )
                changed.append(current)
            elif current.ta_id != ta_id:
                current.ta_id = ta_id
                current.assigned_at = timezone.now()
                current.save(update_fields=["ta", "assigned_at"])
                changed.append(current)
        notifications.notify_ta_assigned(changed)
    return changed


def ask_for_help(*, membership: Membership, topic: str, tried: str, urgency: str) -> HelpRequest:
    """Open a help request; tells the person's TA (or the mentors when they have none)."""
    with transaction.atomic():
        request = HelpRequest.objects.create(
            cohort=membership.cohort,
            requester=membership.user,
            topic=topic.strip(),
            tried=tried.strip(),
            urgency=urgency,
        )
        notifications.notify_help_requested(request)
    return request


def claim_help_request(*, request: HelpRequest, ta: User) -> bool:
    """Claim an open request for `ta`; False when someone else claimed it first."""
    with transaction.atomic():
        updated = HelpRequest.objects.filter(pk=request.pk, state=HelpState.OPEN).update(
            state=HelpState.CLAIMED, claimed_by=ta, claimed_at=timezone.now()
        )
        fragments.bump(request.cohort_id, "help")
    return bool(updated)


def comment_on_help_request(*, request: HelpRequest, author: User, body: str) -> HelpComment:
    """Add a comment the requester and the TAs see; tells the other side (the requester when a
    TA wrote, the TA on it, or the person's TA, when the requester answered)."""
    with transaction.atomic():
        comment = HelpComment.objects.create(request=request, author=author, body=body.strip())
        if author.pk != request.requester_id:
            notifications.notify_help_commented(comment)
        else:
            notifications.notify_help_answered(comment)
    return comment


def answer_help_request(*, request: HelpRequest, user: User, body: str) -> HelpComment:
    """The requester answers on their own request; refused once it is resolved."""
    if request.requester_id != user.pk:
        raise PermissionError("Only the person who asked can answer here.")
    with transaction.atomic():
        request = HelpRequest.objects.select_for_update().get(pk=request.pk)
        if request.state == HelpState.RESOLVED:
            raise ValueError("This request is closed; ask a new one if you still need help.")
        return comment_on_help_request(request=request, author=user, body=body)


def close_own_help_request(*, request: HelpRequest, user: User) -> bool:
    """The requester closes their request (solved, or no longer needed); False if it already
    was. The TA on it sees it leave their queue."""
    if request.requester_id != user.pk:
        raise PermissionError("Only the person who asked can close it.")
    with transaction.atomic():
        updated = (
            HelpRequest.objects.filter(pk=request.pk)
            .exclude(state=HelpState.RESOLVED)
            .update(state=HelpState.RESOLVED, resolved_at=timezone.now(), closed_by_requester=True)
        )
        fragments.bump(request.cohort_id, "help")
    return bool(updated)


def resolve_help_request(*, request: HelpRequest, ta: User) -> None:
    """Mark a request resolved, claiming it for `ta` first when nobody had."""
    now = timezone.now()
    with transaction.atomic():
        HelpRequest.objects.filter(pk=request.pk, state=HelpState.OPEN).update(
            state=HelpState.CLAIMED, claimed_by=ta, claimed_at=now
        )
        HelpRequest.objects.filter(pk=request.pk).exclude(state=HelpState.RESOLVED).update(
            state=HelpState.RESOLVED, resolved_at=now
        )
        fragments.bump(request.cohort_id, "help")


UNDO_RESOLVE_WITHIN = timedelta(minutes=1)


def reopen_help_request(*, request: HelpRequest, by: User) -> bool:
    """Put a resolved request back in the queue, claimed by `by`; False when it was not resolved."""
    with transaction.atomic():
        updated = HelpRequest.objects.filter(pk=request.pk, state=HelpState.RESOLVED).update(
            state=HelpState.CLAIMED, claimed_by=by, claimed_at=timezone.now(), resolved_at=None
        )
        fragments.bump(request.cohort_id, "help")
    return bool(updated)


def undo_resolve_help_request(*, request: HelpRequest, by: User, now=None) -> bool:
    """Undo `by`'s own resolve within a minute of it; False when too late or not theirs."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = HelpRequest.objects.filter(
            pk=request.pk,
            state=HelpState.RESOLVED,
            claimed_by=by,
            resolved_at__gte=now - UNDO_RESOLVE_WITHIN,
        ).update(state=HelpState.CLAIMED, resolved_at=None)
        fragments.bump(request.cohort_id, "help")
    return bool(updated)
