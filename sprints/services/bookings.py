"""Drop-in and interview slots: publishing blocks of them, booking, cancelling."""

from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from cohort.models import Cohort, User
from sprints import queries
from sprints.models import (
    Booking,
    Pair,
    Slot,
    SlotKind,
)
from sprints.services.rules import SprintError, require_member

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
        require_member(pair, user)
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
        require_member(booking.pair, user)
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
