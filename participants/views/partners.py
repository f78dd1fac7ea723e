import zoneinfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cohort.once import submit_once
from cohort.permissions import member_required
from cohort.standing import stepped_back
from cohort.validation import query_choice, query_text
from participants import board, queries, services
from participants.forms import (
    InterestForm,
    PairingTopicForm,
    PartnerEntryForm,
)
from participants.models import (
    PairingTopic,
    PartnerEntry,
)
from participants.views._common import _url

# --- Partner board ---------------------------------------------------------------------------


@member_required("view_partner_board")
def partners(request):
    cohort, now, me = request.cohort, timezone.now(), request.user
    cards = board.cards(cohort)
    my_id = me.pk  # once: request.user is a lazy object, each attribute read goes through it
    mine = next((c for c in cards if c.user_id == my_id), None)
    others = [c for c in cards if c.user_id != my_id]
    interest = query_text(request, "interest", max_length=40).lower()
    if interest:
        others = [c for c in others if interest in c.interests]
    rows = board.rows_for(others, mine, now)
    sort = query_choice(request, "sort", ("newest",))
    if mine and sort != "newest":
        rows.sort(key=lambda r: (-len(r.shared_interests), -(r.shared_hours or 0)))
    # Who withdrew from the program can no longer join, mark interest or invite.
    can_join = request.membership.can("participate") and not stepped_back(request.membership)
    sent, received = queries.interests_of(cohort, me) if (can_join or mine) else ({}, [])
    for row in rows:
        row.my_interest = sent.get(row.card.pk)
    deadline = cohort.end_of(cohort.partner_deadline)
    context = {
        "mine": mine,
        "interested_in_me": received if mine else [],
        "entries": rows,
        "entries_html": board.rows_html(rows, can_join=can_join),
        "interest": interest,
        "all_tags": sorted({t for c in cards for t in c.interests}),
        "deadline": deadline,
        "after_deadline": now > deadline,
        "can_join": can_join,
        "sort": sort,
    }
    return render(request, "participants/partners.html", context)


@member_required("participate")
@submit_once
def partner_entry(request):
    entry = PartnerEntry.objects.filter(cohort=request.cohort, user=request.user).first()
    form = PartnerEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_partner_entry(
                cohort=request.cohort,
                user=request.user,
                fields={name: form.cleaned_data[name] for name in PartnerEntryForm.Meta.fields},
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, "You are on the partner board.")
        return redirect(_url(request, "partners"))
    return render(request, "participants/partner_form.html", {"form": form, "entry": entry})


@member_required("participate")
@require_POST
def partner_entry_remove(request):
    services.remove_from_partner_board(cohort=request.cohort, users=[request.user])
    messages.success(request, "You are off the partner board.")
    return redirect(_url(request, "partners"))


@member_required("participate")
@require_POST
@submit_once
def partner_interest(request, pk):
    return _interest(request, pk)


@member_required("participate")
@require_POST
@submit_once
def partner_board_interest(request):
    """The board's one interest form: the pressed button names the entry ("entry" to send,
    "withdraw" to take back)."""
    value = request.POST.get("withdraw") or request.POST.get("entry") or ""
    if not value.isdigit() or len(value) > 12:
        raise Http404("No such entry.")
    return _interest(request, int(value))


def _interest(request, pk):
    entry = get_object_or_404(queries.partner_entries(request.cohort), pk=pk)
    if request.POST.get("withdraw"):
        services.withdraw_interest(entry=entry, user=request.user)
        messages.success(request, f"You took back your interest in {entry.user.display_name}.")
        return redirect(_url(request, "partners"))
    # From the board, each card's note is named after its entry (they share one form).
    note = request.POST.get(f"note-{entry.pk}", request.POST.get("note", ""))
    form = InterestForm({"note": note})
    if not form.is_valid():
        messages.error(request, "Keep the note under 500 characters.")
        return redirect(_url(request, "partners"))
    try:
        services.mark_interest(entry=entry, user=request.user, note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"{entry.user.display_name} will see your note.")
    return redirect(_url(request, "partners") + f"#entry-{entry.pk}")


# --- Pair-programming board ------------------------------------------------------------------


@member_required()
@submit_once
def pairing(request):
    now = timezone.now()
    form = PairingTopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_pairing_topic(
            cohort=request.cohort, owner=request.user, fields=form.cleaned_data
        )
        messages.success(request, "Your topic is on the board.")
        return redirect(_url(request, "pairing"))
    my_offset = _utc_offset_hours(request.user.timezone, now)
    topics = list(queries.pairing_topics(request.cohort))
    withdrawn = queries.withdrawn_user_ids(request.cohort)
    for topic in topics:
        topic.people = [j.user for j in topic.joins.all() if j.user_id not in withdrawn]
        topic.i_am_in = any(p.pk == request.user.pk for p in topic.people)
        topic.hours_apart = _utc_offset_hours(topic.owner.timezone, now) - my_offset
    return render(request, "participants/pairing.html", {"topics": topics, "form": form})


def _utc_offset_hours(tz_name, at) -> float:
    try:
        offset = at.astimezone(zoneinfo.ZoneInfo(tz_name)).utcoffset()
    except zoneinfo.ZoneInfoNotFoundError:
        return 0
    return offset.total_seconds() / 3600


@member_required()
@require_POST
def pairing_join(request, pk):
    topic = get_object_or_404(PairingTopic, pk=pk, cohort=request.cohort)
    now_in = services.toggle_pairing_join(topic=topic, user=request.user)
    messages.success(
        request, f"You're in: {topic.title}." if now_in else f"You left {topic.title}."
    )
    return redirect(_url(request, "pairing") + f"#topic-{topic.pk}")


@member_required()
@require_POST
def pairing_remove(request, pk):
    topic = get_object_or_404(PairingTopic, pk=pk, cohort=request.cohort, owner=request.user)
    services.remove_pairing_topic(topic=topic)
    messages.success(request, "Your topic is removed.")
    return redirect(_url(request, "pairing"))
