import mimetypes
import zoneinfo
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cohort.models import Role
from cohort.once import submit_once
from cohort.permissions import member_required
from cohort.standing import stepped_back
from cohort.validation import query_choice, query_text
from participants import pairs as pair_status
from participants import queries, services
from participants.forms import (
    CommentForm,
    GoalsForm,
    HelpRequestForm,
    InterestForm,
    IntroductionForm,
    PairingTopicForm,
    PartnerEntryForm,
    ProfileForm,
    WithdrawalForm,
)
from participants.models import (
    GoalsAnswer,
    HelpRequest,
    HelpState,
    PairingTopic,
    PartnerEntry,
    Profile,
    Withdrawal,
)

STALE_AFTER = timedelta(days=1)


def _url(request, name, **kwargs):
    return reverse(f"participants:{name}", kwargs={"slug": request.cohort.slug, **kwargs})


# --- People: gallery, slideshow, introductions, photos ---------------------------------------


def _gallery_filters(request) -> dict:
    return {
        "interest": query_text(request, "interest", max_length=40).lower(),
        "role": query_choice(request, "role", Role.values),
        "tz": query_text(request, "tz", max_length=64),
    }


@member_required()
def people(request):
    filters = _gallery_filters(request)
    context = {
        "members": list(queries.gallery(request.cohort, **filters)),
        "filters": filters,
        "options": queries.gallery_filter_options(request.cohort),
    }
    return render(request, "participants/people.html", context)


@member_required()
def slideshow(request):
    filters = _gallery_filters(request)
    members = list(queries.gallery(request.cohort, **filters))
    return render(request, "participants/slideshow.html", {"members": members, "filters": filters})


@member_required()
def introductions(request):
    members = list(queries.introductions(request.cohort))
    return render(request, "participants/introductions.html", {"members": members})


@member_required()
def photo(request, pk):
    profile = get_object_or_404(
        Profile.objects.select_related("membership"), pk=pk, membership__cohort=request.cohort
    )
    own = profile.membership.user_id == request.user.pk
    if not profile.photo or (
        profile.hidden_from_gallery and not own and request.membership.role == Role.PARTICIPANT
    ):
        raise Http404
    content_type = mimetypes.guess_type(profile.photo.name)[0] or "application/octet-stream"
    response = FileResponse(profile.photo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=86400"
    return response


@member_required()
def edit_profile(request):
    profile, _ = Profile.objects.get_or_create(membership=request.membership)
    form = ProfileForm(
        request.POST or None, request.FILES or None, instance=profile, user=request.user
    )
    if request.method == "POST":
        if form.is_valid():
            services.update_profile(
                membership=request.membership,
                user_fields=form.user_fields(),
                profile_fields=form.profile_fields(),
                photo=form.cleaned_data["photo"],
                remove_photo=form.cleaned_data["remove_photo"],
            )
            messages.success(request, "Your slide is saved.")
            return redirect(_url(request, "edit_profile"))
        profile.refresh_from_db()
    return render(request, "participants/profile_form.html", {"form": form, "profile": profile})


@member_required()
def edit_introduction(request):
    profile = Profile.objects.filter(membership=request.membership).first()
    form = IntroductionForm(
        request.POST or None, initial={"text": profile.introduction if profile else ""}
    )
    if request.method == "POST" and form.is_valid():
        services.save_introduction(membership=request.membership, text=form.cleaned_data["text"])
        messages.success(request, "Your introduction is saved.")
        return redirect(_url(request, "introductions"))
    return render(request, "participants/intro_form.html", {"form": form})


# --- Goals form ------------------------------------------------------------------------------


@member_required("participate")
def goals(request):
    cohort, membership = request.cohort, request.membership
    answer = GoalsAnswer.objects.filter(membership=membership).first()
    now = timezone.now()
    is_open = services.goals_open_for(answer, cohort, now)
    form = None
    if request.method == "POST":
        if "save_draft" in request.POST:
            services.save_goals_draft(membership=membership, data=request.POST)
            messages.success(request, "Draft saved. Nothing has been submitted yet.")
            return redirect(_url(request, "goals"))
        form = GoalsForm(request.POST)
        if form.is_valid():
            try:
                answer = services.submit_goals(membership=membership, answers=form.cleaned_data)
            except services.DeadlinePassed:
                messages.error(
                    request,
                    "The goals form has closed, so this was not submitted. Your answers are "
                    "kept as a draft; ask your mentor to reopen the form for you.",
                )
                return redirect(_url(request, "goals"))
            messages.success(
                request,
                "Your goals form is submitted (marked late)."
                if answer.is_late
                else "Your goals form is submitted. You can change it until it closes.",
            )
            return redirect(_url(request, "goals"))
        services.save_goals_draft(membership=membership, data=request.POST)
        answer = GoalsAnswer.objects.get(membership=membership)
    if form is None:
        if answer is not None and answer.has_unsubmitted_draft:
            form = GoalsForm(initial=answer.draft)
        else:
            form = GoalsForm(instance=answer)
    context = {
        "form": form,
        "answer": answer,
        "is_open": is_open,
        "deadline": services.goals_deadline(cohort),
        "now": now,
    }
    return render(request, "participants/goals.html", context)


@member_required("participate")
@require_POST
def goals_draft(request):
    """Autosave from the goals page: keeps the text as a draft, submitted or not."""
    answer = services.save_goals_draft(membership=request.membership, data=request.POST)
    return JsonResponse({"saved_at": answer.draft_saved_at.isoformat()})


# --- Withdrawal ------------------------------------------------------------------------------


@member_required("participate")
@submit_once
def withdraw(request):
    current = Withdrawal.objects.filter(membership=request.membership).first()
    form = WithdrawalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.withdraw(
            membership=request.membership,
            scope=form.cleaned_data["scope"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            request,
            "Your withdrawal is recorded. If you change your mind, tell your mentor: they can "
            "reverse it.",
        )
        return redirect("cohort:home", slug=request.cohort.slug)
    active = current if current and current.is_active else None
    return render(request, "participants/withdraw.html", {"form": form, "current": active})


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


# --- Help requests and the TA dashboard ------------------------------------------------------


@member_required("participate")
@submit_once
def help_requests(request):
    form = HelpRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.ask_for_help(membership=request.membership, **form.cleaned_data)
        messages.success(request, "Your request is in. Your TA has been told.")
        return redirect(_url(request, "help"))
    requests_ = queries.help_requests_of(request.user, request.cohort)
    return render(request, "participants/help.html", {"form": form, "requests": requests_})


@member_required("participate")
def my_forms(request):
    """Every form a participant fills in, with its state, so what is done stays reachable."""
    membership, now = request.membership, timezone.now()
    answer = GoalsAnswer.objects.filter(membership=membership).first()
    profile = Profile.objects.filter(membership=membership).first()
    entry = PartnerEntry.objects.filter(cohort=request.cohort, user=request.user).first()
    context = {
        "answer": answer,
        "goals_deadline": services.goals_deadline(request.cohort),
        "goals_open": services.goals_open_for(answer, request.cohort, now),
        "profile": profile,
        "partner_entry": entry,
        "withdrawal": Withdrawal.objects.filter(
            membership=membership, reversed_at__isnull=True
        ).first(),
    }
    return render(request, "participants/my_forms.html", context)


def _own_request(request, pk):
    # Someone else's request does not exist for this person.
    return get_object_or_404(HelpRequest, pk=pk, cohort=request.cohort, requester=request.user)


@member_required("participate")
@require_POST
@submit_once
def help_answer(request, pk):
    item = _own_request(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.answer_help_request(
                request=item, user=request.user, body=form.cleaned_data["body"]
            )
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Your answer is added; your TA has been told.")
            return redirect(_url(request, "help") + f"#request-{item.pk}")
    requests_ = queries.help_requests_of(request.user, request.cohort)
    new_request = HelpRequestForm()
    if item.state == HelpState.RESOLVED and form.is_valid():
        # Closed: what was typed goes into a new request, so nothing is lost.
        new_request = HelpRequestForm(
            initial={"topic": f"More on: {item.topic}"[:200], "tried": form.cleaned_data["body"]}
        )
    context = {
        "form": new_request,
        "requests": requests_,
        "refused_answer": form,
        "refused_answer_pk": item.pk,
    }
    return render(request, "participants/help.html", context, status=400)


@member_required("participate")
@require_POST
def help_close(request, pk):
    item = _own_request(request, pk)
    if services.close_own_help_request(request=item, user=request.user):
        messages.success(request, f"“{item.topic}” is closed. Glad it is sorted.")
    return redirect(_url(request, "help") + f"#request-{item.pk}")


def _dashboard_ta(request):
    """The TA whose people are shown; None for the mentor, who sees everyone."""
    return None if request.membership.role == Role.MENTOR else request.user


RESOLVED_HISTORY = 20


@member_required("help_participants")
def ta_dashboard(request):
    cohort, now, me = request.cohort, timezone.now(), request.user
    ta = _dashboard_ta(request)
    people_ = list(queries.ta_people(cohort, ta))
    on_board = queries.partner_user_ids(cohort)
    tas = queries.ta_of(cohort, [m.user_id for m in people_]) if ta is None else {}
    pairs = pair_status.pair_status_by_user(cohort, [m.user_id for m in people_])
    for m in people_:
        m.on_partner_board = m.user_id in on_board
        m.sprint_pair = pairs.get(m.user_id, "")
        m.assigned_ta = tas.get(m.user_id)
    requests_ = list(queries.help_queue(cohort, ta, include_resolved=True))
    for item in requests_:
        item.is_stale = item.state == HelpState.OPEN and now - item.created_at > STALE_AFTER
        item.requester_pair = pairs.get(item.requester_id, "")
        item.can_undo = (
            item.state == HelpState.RESOLVED
            and item.claimed_by_id == me.pk
            and now - item.resolved_at < services.UNDO_RESOLVE_WITHIN
        )
    resolved = sorted(
        (r for r in requests_ if r.state == HelpState.RESOLVED),
        key=lambda r: (r.resolved_at, r.pk),
        reverse=True,
    )
    context = {
        "people": people_,
        "queue": [r for r in requests_ if r.state == HelpState.OPEN],
        "mine": [r for r in requests_ if r.state == HelpState.CLAIMED and r.claimed_by_id == me.pk],
        "others_claimed": [
            r for r in requests_ if r.state == HelpState.CLAIMED and r.claimed_by_id != me.pk
        ],
        "just_resolved": [r for r in resolved if r.can_undo],
        "resolved": resolved[:RESOLVED_HISTORY],
        "pairs": pair_status.pairs_for_ta(cohort, ta, [m.user_id for m in people_]),
        "is_mentor": ta is None,
        "comment_form": CommentForm(),
        "now": now,
    }
    return render(request, "participants/ta_dashboard.html", context)


def _queued_request(request, pk):
    return get_object_or_404(
        queries.help_queue(request.cohort, _dashboard_ta(request), include_resolved=True), pk=pk
    )


@member_required("help_participants")
@require_POST
def help_claim(request, pk):
    item = _queued_request(request, pk)
    if services.claim_help_request(request=item, ta=request.user):
        messages.success(request, f"You claimed “{item.topic}”.")
    else:
        messages.warning(request, f"“{item.topic}” was already claimed.")
    return redirect(_url(request, "ta_dashboard") + f"#request-{item.pk}")


@member_required("help_participants")
@require_POST
@submit_once
def help_comment(request, pk):
    item = _queued_request(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_on_help_request(
            request=item, author=request.user, body=form.cleaned_data["body"]
        )
        messages.success(request, "Comment added.")
    else:
        messages.error(request, "Write a comment first.")
    return redirect(_url(request, "ta_dashboard") + f"#request-{item.pk}")


@member_required("help_participants")
@require_POST
def help_resolve(request, pk):
    item = _queued_request(request, pk)
    services.resolve_help_request(request=item, ta=request.user)
    messages.success(request, f"“{item.topic}” is resolved. You can undo it for a minute.")
    return redirect(_url(request, "ta_dashboard") + "#just-resolved")


@member_required("help_participants")
@require_POST
def help_reopen(request, pk):
    item = _queued_request(request, pk)
    if services.reopen_help_request(request=item, by=request.user):
        messages.success(request, f"“{item.topic}” is open again and claimed by you.")
    else:
        messages.warning(request, f"“{item.topic}” was not resolved, so nothing changed.")
    return redirect(_url(request, "ta_dashboard") + f"#request-{item.pk}")


@member_required("help_participants")
@require_POST
def help_undo_resolve(request, pk):
    item = _queued_request(request, pk)
    if services.undo_resolve_help_request(request=item, by=request.user):
        messages.success(request, f"Undone: “{item.topic}” is claimed by you again.")
    else:
        messages.error(
            request,
            f"Too late to undo “{item.topic}” (a minute has passed, or it was not your resolve); "
            "reopen it from the resolved list instead.",
        )
    return redirect(_url(request, "ta_dashboard") + f"#request-{item.pk}")
