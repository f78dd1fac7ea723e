import zoneinfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cohort.once import submit_once
from cohort.permissions import member_required
from cohort.standing import stepped_back
from cohort.validation import query_choice, query_text
from participants import queries, services
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
    cohort, now = request.cohort, timezone.now()
    entries = list(queries.partner_entries(cohort))
    mine = next((e for e in entries if e.user_id == request.user.pk), None)
    others = [e for e in entries if e.user_id != request.user.pk]
    interest = query_text(request, "interest", max_length=40).lower()
    if interest:
        others = [e for e in others if interest in e.interest_list]
    others = queries.with_overlap(others, mine, now)
    sort = query_choice(request, "sort", ("newest",))
    if mine and sort != "newest":
        others.sort(key=lambda e: (-len(e.shared_interests), -(e.shared_hours or 0)))
    for entry in others:
        entry.my_interest = next(
            (i for i in entry.interests_received.all() if i.user_id == request.user.pk), None
        )
    all_tags = sorted({t for e in entries for t in e.interest_list})
    deadline = cohort.end_of(cohort.partner_deadline)
    context = {
        "mine": mine,
        "entries": others,
        "interest": interest,
        "all_tags": all_tags,
        "deadline": deadline,
        "after_deadline": now > deadline,
        # Who withdrew from the program can no longer join, mark interest or invite.
        "can_join": request.membership.can("participate") and not stepped_back(request.membership),
        "sort": sort,
        "interest_form": InterestForm(),
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
    entry = get_object_or_404(queries.partner_entries(request.cohort), pk=pk)
    if request.POST.get("withdraw"):
        services.withdraw_interest(entry=entry, user=request.user)
        messages.success(request, f"You took back your interest in {entry.user.display_name}.")
        return redirect(_url(request, "partners"))
    form = InterestForm(request.POST)
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
