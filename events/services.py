"""Writes of the events app that have side effects."""

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cohort import fragments
from cohort.models import Cohort, Membership, User
from events.models import (
    Attendance,
    Event,
    EventKind,
    FeedToken,
    LightningSlot,
    RecordingOptOut,
    SyncState,
    new_feed_token,
)
from events.tasks import task_sync_event

logger = logging.getLogger(__name__)


class SlotUnavailable(Exception):
    """The slot is taken, or the person already has a slot in this round."""


def enqueue_sync(*, event_id: int) -> None:
    """Sync one event to Google Calendar once the current transaction has committed."""
    transaction.on_commit(lambda: _send_sync(event_id))


def _send_sync(event_id: int) -> None:
    try:
        task_sync_event.delay(event_id=event_id)
    except Exception:
        # Saving an event must never fail because Google or the broker is unwell (in-process
        # tasks raise here); the event stays waiting and reconciliation sends it later.
        logger.exception("Could not sync event %s to Google Calendar now", event_id)


def request_sync(*, event: Event) -> None:
    """The admin's "sync again": mark the event waiting and enqueue a sync after commit."""
    with transaction.atomic():
        Event.objects.filter(pk=event.pk).update(sync_state=SyncState.PENDING, sync_error="")
        enqueue_sync(event_id=event.pk)


def set_cancelled(*, event: Event, cancelled: bool) -> Event:
    """Cancel or re-activate an event; Google follows (deleted, or back) after commit."""
    with transaction.atomic():
        event.cancelled = cancelled
        event.save(update_fields=["cancelled"])
    return event


def duplicate_to_next_week(*, event: Event) -> Event:
    """A copy of the event seven days later, without its recording, attendance or slots."""
    with transaction.atomic():
        copy = Event.objects.create(
            cohort=event.cohort,
            title=event.title,
            kind=event.kind,
            description=event.description,
            starts_at=event.starts_at + timedelta(days=7),
            ends_at=event.ends_at + timedelta(days=7),
            location=event.location,
            host=event.host,
            optional=event.optional,
            recorded=event.recorded,
        )
    return copy


def ensure_lightning_slots(*, event: Event) -> None:
    """Give a lightning round one slot per five minutes; taken slots are kept, times follow."""
    if event.kind != EventKind.LIGHTNING:
        return
    with transaction.atomic():
        times = event.slot_times()
        existing = {slot.number: slot for slot in LightningSlot.objects.filter(event=event)}
        for number, starts_at in enumerate(times, start=1):
            slot = existing.pop(number, None)
            if slot is None:
                LightningSlot.objects.create(event=event, number=number, starts_at=starts_at)
            elif slot.starts_at != starts_at:
                LightningSlot.objects.filter(pk=slot.pk).update(starts_at=starts_at)
        LightningSlot.objects.filter(
            pk__in=[s.pk for s in existing.values() if s.speaker_id is None]
        ).delete()


def take_lightning_slot(
    *, event: Event, number: int, user: User, talk_title: str, partner: User | None = None
) -> LightningSlot:
    """Take a free slot of a round for a talk (with a partner); first come, first served."""
    people = [user] if partner is None else [user, partner]
    try:
        with transaction.atomic():
            # Serialise sign-ups for this round so "one slot each" also holds across the
            # speaker and partner columns; the constraints are the last line of defence.
            Event.objects.select_for_update().filter(pk=event.pk).first()
            already = LightningSlot.objects.filter(event=event).filter(
                Q(speaker__in=people) | Q(partner__in=people)
            )
            if already.exists():
                raise SlotUnavailable("Each person can give one talk per round.")
            taken = LightningSlot.objects.filter(
                event=event, number=number, speaker__isnull=True
            ).update(speaker=user, partner=partner, talk_title=talk_title, taken_at=timezone.now())
            if not taken:
                raise SlotUnavailable("Someone took this slot just before you.")
    except IntegrityError as exc:
        raise SlotUnavailable("Someone took this slot just before you.") from exc
    return LightningSlot.objects.get(event=event, number=number)


def release_lightning_slot(*, event: Event, user: User) -> bool:
    """Give up one's slot in a round (as speaker); it becomes free for others."""
    with transaction.atomic():
        return bool(
            LightningSlot.objects.filter(event=event, speaker=user).update(
                speaker=None, partner=None, talk_title="", taken_at=None
            )
        )


def set_recording_opt_out(
    *, cohort: Cohort, user: User, event: Event | None, opted_out: bool
) -> None:
    """Opt out of (or back into) being recorded, at one event or (event None) at all."""
    with transaction.atomic():
        existing = RecordingOptOut.objects.filter(cohort=cohort, user=user, event=event)
        if opted_out:
            if not existing.exists():
                try:
                    with transaction.atomic():
                        RecordingOptOut.objects.create(cohort=cohort, user=user, event=event)
                except IntegrityError:
                    pass  # a double click: already opted out
        else:
            existing.delete()


def set_attended(*, event: Event, user: User, attended: bool, marked_by: User) -> None:
    """Record that someone was (or was not) at an event."""
    with transaction.atomic():
        if attended:
            Attendance.objects.get_or_create(
                event=event, user=user, defaults={"marked_by": marked_by}
            )
        else:
            Attendance.objects.filter(event=event, user=user).delete()


def set_attendance_list(*, event: Event, present_ids: set[int], marked_by: User) -> None:
    """The host's register: exactly these participants attended."""
    with transaction.atomic():
        Attendance.objects.filter(event=event).exclude(user_id__in=present_ids).delete()
        known = set(Attendance.objects.filter(event=event).values_list("user_id", flat=True))
        Attendance.objects.bulk_create(
            [
                Attendance(event=event, user_id=user_id, marked_by=marked_by)
                for user_id in present_ids - known
            ]
        )
        fragments.bump(event.cohort_id, "attendance")  # bulk_create sends no signals


def feed_token_for(*, membership: Membership) -> FeedToken:
    """The member's calendar feed token, created on first use."""
    token, _ = FeedToken.objects.get_or_create(membership=membership)
    return token


def reset_feed_token(*, membership: Membership) -> FeedToken:
    """Replace the feed token: the old feed URL stops working at once."""
    with transaction.atomic():
        token, created = FeedToken.objects.select_for_update().get_or_create(membership=membership)
        if not created:
            token.token = new_feed_token()
            token.created_at = timezone.now()
            token.save(update_fields=["token", "created_at"])
    return token
