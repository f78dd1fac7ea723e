from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cohort.confirm import ask_to_confirm, is_confirmed
from cohort.models import Role
from cohort.once import submit_once
from cohort.permissions import member_required
from cohort.validation import path_token, query_choice, query_date
from events import queries, services
from events.feed import build_ics, feed_items
from events.forms import AttendanceRegisterForm, TakeSlotForm
from events.schedule import ScheduleLists


def _feed_url(request, token: str) -> str:
    return request.build_absolute_uri(
        reverse("events:feed", kwargs={"slug": request.cohort.slug, "token": token})
    )


def _is_host(request, event) -> bool:
    membership = request.membership
    return membership.can("host_events") and (
        membership.role == Role.MENTOR or event.host_id == membership.user_id
    )


def _week_start(request, today: date) -> date:
    day = query_date(request, "week", default=today)
    return day - timedelta(days=day.weekday())


@member_required()
def schedule(request):
    cohort, user, membership = request.cohort, request.user, request.membership
    now = timezone.now()
    viewer_tz = timezone.get_current_timezone()
    events = queries.event_rows(cohort)
    attended_ids = queries.attended_event_ids(cohort, user)
    opt_outs = queries.opt_outs_of(cohort, user)
    lists = ScheduleLists(
        events,
        now=now,
        viewer_tz=viewer_tz,
        cohort_tz=cohort.timezone,
        opt_outs=opt_outs,
        attended_ids=attended_ids,
    )
    view = query_choice(request, "view", ("agenda", "week"), default="agenda")
    monday = _week_start(request, timezone.localdate(now, viewer_tz)) if view == "week" else None
    context = {
        "view": view,
        "lists": lists,
        "lists_state": lists.state(
            view=view, monday=monday, role=membership.role, slug=cohort.slug
        ),
        "opt_outs": opt_outs,
        "share": (
            queries.share_of(events.rows, attended_ids, now)
            if membership.can("mark_own_attendance")
            else None
        ),
        "feed_url": _feed_url(request, services.feed_token_for(membership=membership).token),
    }
    if monday is not None:
        context.update(
            # Called by the template only when the cached lists are missing.
            week_days=lambda: lists.week_days(monday),
            monday=monday,
            previous_week=monday - timedelta(days=7),
            next_week=monday + timedelta(days=7),
        )
    return render(request, "events/schedule.html", context)


@member_required()
def event_detail(request, pk):
    event = get_object_or_404(queries.event_of_cohort(request.cohort, pk))
    return _render_event(request, event)


def _render_event(request, event, *, refused_slot=None, status=200):
    """The event page; `refused_slot` (number, title, partner, error) brings back what was typed
    into a lightning-talk slot that could not be taken."""
    cohort, user = request.cohort, request.user
    now = timezone.now()
    is_host = _is_host(request, event)
    context = {
        "event": event,
        "now": now,
        "is_past": event.is_past(now),
        "is_now": event.is_now(now),
        "is_host": is_host,
        "opt_outs": queries.opt_outs_of(cohort, user),
        "attended": event.pk in queries.attended_event_ids(cohort, user),
    }
    if is_host:
        context["opted_out_people"] = queries.people_opted_out(event)
        if event.is_past(now):
            present = set(event.attendances.values_list("user_id", flat=True))
            context["register_form"] = AttendanceRegisterForm(
                cohort=cohort, initial={"present": list(present)}
            )
    if event.is_lightning:
        slots = list(queries.run_sheet(event))
        context["slots"] = slots
        context["my_slot"] = next(
            (s for s in slots if user.pk in (s.speaker_id, s.partner_id)), None
        )
        if request.membership.can("take_lightning_slot") and not event.cancelled:
            context["slot_form"] = TakeSlotForm(cohort=cohort, user=user)
            # One query for the partner list, however many free slots show it.
            context["partner_choices"] = list(context["slot_form"].fields["partner"].choices)
    context["refused_slot"] = refused_slot
    return render(request, "events/event_detail.html", context, status=status)


@member_required("opt_out_of_recording")
@require_POST
def recording_opt_out(request, pk):
    event = get_object_or_404(queries.event_of_cohort(request.cohort, pk))
    opted_out = request.POST.get("opted_out") == "1"
    services.set_recording_opt_out(
        cohort=request.cohort, user=request.user, event=event, opted_out=opted_out
    )
    messages.success(
        request,
        f"You will not be recorded at {event.title}."
        if opted_out
        else f"You are no longer opted out of recording at {event.title}.",
    )
    return redirect(event)


@member_required("opt_out_of_recording")
@require_POST
def recording_opt_out_all(request):
    opted_out = request.POST.get("opted_out") == "1"
    services.set_recording_opt_out(
        cohort=request.cohort, user=request.user, event=None, opted_out=opted_out
    )
    messages.success(
        request,
        "You are opted out of being recorded at every event."
        if opted_out
        else "You are no longer opted out of every recording.",
    )
    return redirect("events:schedule", slug=request.cohort.slug)


@member_required("mark_own_attendance")
@require_POST
def mark_attended(request, pk):
    event = get_object_or_404(queries.event_of_cohort(request.cohort, pk), cancelled=False)
    if not event.is_past():
        messages.error(request, "You can mark an event as attended once it has ended.")
        return redirect(event)
    attended = request.POST.get("attended") == "1"
    services.set_attended(event=event, user=request.user, attended=attended, marked_by=request.user)
    return redirect(event)


@member_required("host_events")
@require_POST
def attendance_register(request, pk):
    event = get_object_or_404(queries.event_of_cohort(request.cohort, pk), cancelled=False)
    if not _is_host(request, event) or not event.is_past():
        raise Http404("Only the host keeps the register, once the event has ended.")
    form = AttendanceRegisterForm(request.POST, cohort=request.cohort)
    if form.is_valid():
        services.set_attendance_list(
            event=event,
            present_ids={u.pk for u in form.cleaned_data["present"]},
            marked_by=request.user,
        )
        messages.success(request, f"Saved: {len(form.cleaned_data['present'])} attended.")
    else:
        messages.error(request, "That register could not be saved.")
    return redirect(event)


def _lightning_round(request, pk):
    event = get_object_or_404(queries.event_of_cohort(request.cohort, pk))
    if not event.is_lightning:
        raise Http404("This event has no lightning-talk slots.")
    return event


@member_required("take_lightning_slot")
@require_POST
@submit_once
def take_slot(request, pk):
    event = _lightning_round(request, pk)
    if event.cancelled or event.is_past():
        messages.error(request, "This round is closed.")
        return redirect(event)
    form = TakeSlotForm(request.POST, cohort=request.cohort, user=request.user)
    try:
        number = int(request.POST.get("number", ""))
    except ValueError:
        number = 0

    def refused(error):
        typed = {
            "number": number,
            "talk_title": request.POST.get("talk_title", "")[:200],
            "partner": request.POST.get("partner", ""),
            "error": error,
        }
        return _render_event(request, event, refused_slot=typed, status=400)

    if number < 1:
        messages.error(request, "Choose a free slot.")
        return redirect(event)
    if not form.is_valid():
        return refused("Give your talk a title (at most 200 characters).")
    try:
        slot = services.take_lightning_slot(
            event=event,
            number=number,
            user=request.user,
            talk_title=form.cleaned_data["talk_title"],
            partner=form.cleaned_data["partner"],
        )
    except services.SlotUnavailable as exc:
        return refused(str(exc))
    messages.success(request, f"Slot {slot.number} is yours: “{slot.talk_title}”.")
    return redirect(event)


@member_required("take_lightning_slot")
@require_POST
def release_slot(request, pk):
    event = _lightning_round(request, pk)
    if not is_confirmed(request):
        return ask_to_confirm(
            request,
            title="Give up your lightning-talk slot?",
            question=f"Your five-minute slot in “{event.title}” becomes free for someone else.",
            consequences=["Slots go first come, first served: it may be gone if you want it back."],
            button="Yes, give up my slot",
            back_url=event.get_absolute_url(),
        )
    if services.release_lightning_slot(event=event, user=request.user):
        messages.success(request, "Your slot is free again for someone else.")
    return redirect(event)


@member_required()
def run_sheet(request, pk):
    event = _lightning_round(request, pk)
    slots = list(queries.run_sheet(event))
    return render(
        request,
        "events/run_sheet.html",
        {"event": event, "slots": slots, "taken": sum(1 for s in slots if not s.is_free)},
    )


@member_required()
@require_POST
def reset_feed(request):
    services.reset_feed_token(membership=request.membership)
    messages.success(request, "Your calendar feed has a new address. The old one no longer works.")
    return redirect("events:schedule", slug=request.cohort.slug)


@require_GET
@never_cache
def feed(request, slug, token):
    """The personal iCalendar feed: public, but only with the member's current secret token."""
    membership = queries.membership_for_feed(slug, token) if path_token(token) else None
    if membership is None:
        raise Http404("No such feed.")
    body = build_ics(membership, feed_items(membership), timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{membership.cohort.slug}.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
