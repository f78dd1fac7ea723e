"""Writes of the partner board and the pair-programming board."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cohort.models import Cohort, User
from participants import notifications, pairs
from participants.models import (
    PairingJoin,
    PairingTopic,
    PartnerEntry,
    PartnerInterest,
    Withdrawal,
    WithdrawalScope,
)

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
        return PartnerEntry.objects.filter(
            cohort=cohort, user__in=[u.pk for u in users], paired_at__isnull=True
        ).update(paired_at=timezone.now())


def put_back_on_board(*, cohort: Cohort, users: list[User]) -> int:
    """People whose sprint pair was dissolved are back on the board with their old entry."""
    with transaction.atomic():
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
