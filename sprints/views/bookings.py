from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cohort.confirm import ask_to_confirm, is_confirmed
from cohort.permissions import member_required
from cohort.standing import stepped_back
from sprints import queries, services
from sprints.models import (
    Booking,
    Slot,
    SlotKind,
)
from sprints.services import SprintError
from sprints.views._common import _back_to_sprint, _my_pair, _run, _sprint_url

# Booking ------------------------------------------------------------------------------------


@member_required("sprint_pair")
def slots(request):
    cohort = request.cohort
    pair = queries.pair_of(cohort, request.user)
    live = Booking.objects.filter(cancelled_at__isnull=True).select_related("pair")
    upcoming = (
        Slot.objects.filter(cohort=cohort, starts_at__gt=timezone.now())
        .prefetch_related(Prefetch("bookings", queryset=live, to_attr="live_bookings"))
        .order_by("starts_at")
    )
    rows = {SlotKind.DROPIN: [], SlotKind.INTERVIEW: []}
    for slot in upcoming:
        booking = slot.live_bookings[0] if slot.live_bookings else None
        mine = booking is not None and pair is not None and booking.pair_id == pair.pk
        rows[slot.kind].append({"slot": slot, "taken": booking is not None, "mine": mine})
    rules = queries.settings_for(cohort)
    mine = {kind: sum(1 for row in rows[kind] if row["mine"]) for kind in rows}
    bookable = pair is not None and not stepped_back(request.membership)
    context = {
        "pair": pair,
        "dropins": rows[SlotKind.DROPIN],
        "interviews": rows[SlotKind.INTERVIEW],
        "rules": rules,
        # Once the pair holds its interview (or all its drop-ins), the other slots cannot be
        # booked: they show no button, and the page says how to move a booking.
        "can_book_interview": bookable and mine[SlotKind.INTERVIEW] == 0,
        "can_book_dropin": bookable and mine[SlotKind.DROPIN] < rules.max_future_dropins,
    }
    return render(request, "sprints/slots.html", context)


@member_required("sprint_pair")
@require_POST
def book(request, pk):
    pair = _my_pair(request)
    slot = get_object_or_404(Slot, pk=pk, cohort=request.cohort)
    try:
        services.book_slot(slot_id=slot.pk, pair=pair, user=request.user)
    except SprintError as exc:
        messages.error(request, str(exc))
        return redirect("sprints:slots", slug=request.cohort.slug)
    messages.success(request, f"Booked: {slot.get_kind_display().lower()}.")
    return _back_to_sprint(request)


@member_required("sprint_pair")
@require_POST
def cancel_booking(request, pk):
    pair = _my_pair(request)
    # Another pair's booking does not exist for this person.
    booking = get_object_or_404(
        Booking.objects.select_related("slot"), pk=pk, pair=pair, slot__cohort=request.cohort
    )
    if not is_confirmed(request):
        return ask_to_confirm(
            request,
            title="Cancel this booking?",
            question=f"Your {booking.get_kind_display().lower()} will be cancelled.",
            consequences=[
                "The slot becomes free for other pairs; it may be gone if you change your mind."
            ],
            button="Yes, cancel the booking",
            back_url=_sprint_url(request),
        )
    return _run(
        request,
        lambda: services.cancel_booking(booking=booking, user=request.user),
        "Booking cancelled.",
    )
