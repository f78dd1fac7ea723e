"""Sprint pairs: invitations, accepting them (under row locks), solo sprints, dissolving,
the mentor's suggested pairs, and the pair's write-up link."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cohort import fragments
from cohort.models import Cohort, Membership, User
from cohort.standing import stepped_back
from sprints import notifications, queries
from sprints.models import (
    Booking,
    InvitationState,
    Pair,
    PairInvitation,
    PairMember,
)
from sprints.services.rules import (
    SprintError,
    is_seated,
    lock_people,
    refuse_after_start,
    require_member,
)
from sprints.signals import pair_dissolved, pair_formed

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
    refuse_after_start(cohort)
    if not suggested_by and stepped_back(
        Membership.objects.filter(cohort=cohort, user=from_user).first()
    ):
        raise SprintError(WITHDRAWN_MESSAGE)
    with transaction.atomic():
        lock_people(cohort, [from_user.pk, to_user.pk])
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
    fragments.bump(cohort.pk, "pairs")
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
    refuse_after_start(cohort)
    now = timezone.now()
    with transaction.atomic():
        lock_people(cohort, [invitation.from_user_id, invitation.to_user_id])
        _lock_pending_of(cohort, [invitation.from_user_id, invitation.to_user_id])
        invitation = PairInvitation.objects.select_related("from_user", "to_user").get(
            pk=invitation_id
        )
        if invitation.state != InvitationState.PENDING:
            raise SprintError("This invitation is no longer open.")
        if is_seated(cohort, invitation.from_user_id):
            raise SprintError(f"{invitation.from_user.display_name} is already in a pair.")
        if is_seated(cohort, invitation.to_user_id):
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
        fragments.bump(invitation.cohort_id, "pairs")
    if not updated:
        raise SprintError("This invitation is no longer open.")


def declare_solo(*, cohort: Cohort, user: User) -> Pair:
    """Declare a solo sprint (flagged to the mentor); cancels the person's pending invitations."""
    refuse_after_start(cohort)
    now = timezone.now()
    with transaction.atomic():
        lock_people(cohort, [user.pk])
        _lock_pending_of(cohort, [user.pk])
        if is_seated(cohort, user.pk):
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
            refuse_after_start(cohort)
        lock_people(cohort, [m.user_id for m in members])
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


def set_writeup(*, pair: Pair, user: User, url: str) -> None:
    """The pair records the link to its final write-up."""
    require_member(pair, user)
    with transaction.atomic():
        Pair.objects.filter(pk=pair.pk).update(writeup_url=url)
        fragments.bump(pair.cohort_id, "pairs")


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
