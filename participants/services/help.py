"""Writes of TA assignments and help requests."""

from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cohort.models import Cohort, Membership, Role, User
from participants import notifications
from participants.models import (
    HelpComment,
    HelpRequest,
    HelpState,
    TAAssignment,
)
from participants.queries import active_memberships

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


UNDO_RESOLVE_WITHIN = timedelta(minutes=1)


def reopen_help_request(*, request: HelpRequest, by: User) -> bool:
    """Put a resolved request back in the queue, claimed by `by`; False when it was not resolved."""
    with transaction.atomic():
        updated = HelpRequest.objects.filter(pk=request.pk, state=HelpState.RESOLVED).update(
            state=HelpState.CLAIMED, claimed_by=by, claimed_at=timezone.now(), resolved_at=None
        )
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
    return bool(updated)
