from django.contrib import messages
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cohort.models import User
from cohort.once import submit_once
from cohort.permissions import member_required
from cohort.validation import has_control_characters, query_int
from sprints import queries, services
from sprints.forms import (
    DateShiftForm,
    IdeaFilterForm,
    InviteForm,
    MiniProjectForm,
    ProblemForm,
    WriteupForm,
)
from sprints.matching import matching_inputs, propose_pairs
from sprints.models import (
    Booking,
    DateShiftRequest,
    MiniProject,
    PairInvitation,
    ProblemState,
    Slot,
    SlotKind,
)
from sprints.services import SprintError


def _back_to_sprint(request):
    return redirect("sprints:sprint", slug=request.cohort.slug)


def _my_pair(request):
    pair = queries.pair_of(request.cohort, request.user)
    if pair is None:
        raise Http404("You are not in a sprint pair.")
    return pair


# Ideas and mini-projects --------------------------------------------------------------------


@member_required()
def ideas(request):
    cohort = request.cohort
    form = IdeaFilterForm(request.GET or None, categories=queries.categories(cohort))
    items = form.apply(queries.ideas_with_pair_counts(cohort))
    return render(request, "sprints/ideas.html", {"form": form, "ideas": items})


@member_required()
def mini_projects(request):
    cohort = request.cohort
    logs = (
        MiniProject.objects.filter(cohort=cohort)
        .select_related("author", "idea")
        .prefetch_related("collaborators")
    )
    person = None
    person_id = query_int(request, "person")
    if person_id is not None:
        person = User.objects.filter(pk=person_id, memberships__cohort=cohort).first()
        if person is not None:
            logs = logs.filter(Q(author=person) | Q(collaborators=person)).distinct()
    return render(request, "sprints/mini_projects.html", {"logs": logs, "person": person})


@member_required("log_mini_project")
@submit_once
def mini_project_new(request):
    cohort = request.cohort
    form = MiniProjectForm(request.POST or None, cohort=cohort, author=request.user)
    if request.method == "POST" and form.is_valid():
        log = form.save(commit=False)
        log.cohort = cohort
        log.author = request.user
        log.save()
        form.save_m2m()
        messages.success(request, "Your mini-project is logged.")
        return redirect("sprints:mini_projects", slug=cohort.slug)
    return render(request, "sprints/mini_project_form.html", {"form": form})


# The sprint page ----------------------------------------------------------------------------


def _still_to_do(pair, bookings) -> list[str]:
    items = []
    if pair is None:
        return ["Find a partner (or declare a solo sprint)."]
    problem = pair.current_problem
    if problem is None:
        items.append("Choose a research problem.")
    elif problem.state == ProblemState.SENT_BACK:
        items.append("Revise your proposal and send it again.")
    elif problem.state == ProblemState.PENDING:
        items.append("Wait for the mentor to approve your proposal.")
    if not any(b.kind == SlotKind.INTERVIEW for b in bookings):
        items.append("Book your final interview.")
    if not pair.writeup_url:
        items.append("Add the link to your write-up when it is ready.")
    return items


@member_required("sprint_pair")
def sprint(request):
    cohort, user = request.cohort, request.user
    pair = queries.pair_of(cohort, user)
    started = queries.sprint_has_started(cohort)
    context = {"pair": pair, "started": started, "rules": queries.settings_for(cohort)}
    if pair is None:
        candidates = queries.invitable_participants(cohort).exclude(pk=user.pk)
        context.update(
            invitations=queries.pending_invitations(cohort, user),
            invite_form=InviteForm(candidates=candidates),
            todo=_still_to_do(None, []),
        )
        return render(request, "sprints/sprint.html", context)

    members = pair.active_members
    bookings = list(queries.bookings_of_pair(pair))
    current = pair.current_problem
    initial = {}
    if current is not None and current.state != ProblemState.APPROVED:
        initial = {
            "idea": current.idea_id,
            "title": current.title,
            "question": current.question,
            "why": current.why,
            "plan": current.plan,
            "risks": current.risks,
        }
    dates = queries.sprint_dates(pair, members)
    context.update(
        members=members,
        pair_ta=queries.pair_ta(pair),
        partner=next((m.user for m in members if m.user_id != user.pk), None),
        dates=dates,
        rounds=list(pair.problem_rounds.select_related("idea").order_by("-round")),
        problem_form=ProblemForm(initial=initial, ideas=queries.ideas_with_pair_counts(cohort)),
        date_requests=list(
            DateShiftRequest.objects.filter(pair=pair).prefetch_related("entries__user")[:5]
        ),
        date_form=DateShiftForm(members=[(d.user, d.start, d.end) for d in dates]),
        bookings=bookings,
        writeup_form=WriteupForm(initial={"writeup_url": pair.writeup_url}),
        todo=_still_to_do(pair, bookings),
        now=timezone.now(),
    )
    return render(request, "sprints/sprint.html", context)


def _run(request, action, success: str):
    try:
        action()
    except SprintError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return _back_to_sprint(request)


@member_required("sprint_pair")
@require_POST
@submit_once
def invite(request):
    cohort = request.cohort
    candidates = queries.invitable_participants(cohort).exclude(pk=request.user.pk)
    form = InviteForm(request.POST, candidates=candidates)
    if not form.is_valid():
        messages.error(request, "That person cannot be invited: they are not free any more.")
        return _back_to_sprint(request)
    partner = form.cleaned_data["partner"]
    response = _run(
        request,
        lambda: services.invite_partner(cohort=cohort, from_user=request.user, to_user=partner),
        f"Invitation sent to {partner.display_name}.",
    )
    # The partner board's button comes back to the board.
    back = request.POST.get("next", "")
    # Only a path of this site (never a view name, another host or control characters).
    if (
        back.startswith("/")
        and not has_control_characters(back)
        and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return HttpResponseRedirect(back)
    return response


def _invitation(request, pk):
    # Only invitations the person is part of exist for them; others' are 404.
    return get_object_or_404(
        PairInvitation.objects.select_related("from_user", "to_user"),
        Q(from_user=request.user) | Q(to_user=request.user),
        pk=pk,
        cohort=request.cohort,
    )


@member_required("sprint_pair")
@require_POST
def accept(request, pk):
    invitation = _invitation(request, pk)
    return _run(
        request,
        lambda: services.accept_invitation(invitation_id=invitation.pk, user=request.user),
        f"You and {invitation.from_user.display_name} are now a sprint pair.",
    )


@member_required("sprint_pair")
@require_POST
def decline(request, pk):
    invitation = _invitation(request, pk)
    return _run(
        request,
        lambda: services.decline_invitation(invitation=invitation, user=request.user),
        "Invitation declined.",
    )


@member_required("sprint_pair")
@require_POST
def cancel_invitation(request, pk):
    invitation = _invitation(request, pk)
    return _run(
        request,
        lambda: services.cancel_invitation(invitation=invitation, user=request.user),
        "Invitation withdrawn.",
    )


@member_required("sprint_pair")
@require_POST
def solo(request):
    return _run(
        request,
        lambda: services.declare_solo(cohort=request.cohort, user=request.user),
        "Solo sprint declared; the mentor will see it.",
    )


@member_required("sprint_pair")
@require_POST
def dissolve(request):
    pair = _my_pair(request)
    return _run(
        request,
        lambda: services.dissolve_pair(pair=pair, by=request.user),
        "Your pair is dissolved.",
    )


@member_required("sprint_pair")
@require_POST
@submit_once
def problem(request):
    pair = _my_pair(request)
    form = ProblemForm(request.POST, ideas=queries.ideas_with_pair_counts(request.cohort))
    if not form.is_valid():
        messages.error(request, "Please fill in the proposal: " + _errors(form))
        return _back_to_sprint(request)
    data = form.cleaned_data
    idea = data["idea"]
    return _run(
        request,
        lambda: services.submit_problem(
            pair=pair,
            user=request.user,
            idea=idea,
            title=data["title"],
            question=data["question"],
            why=data["why"],
            plan=data["plan"],
            risks=data["risks"],
        ),
        "Idea chosen." if idea else "Proposal sent to the mentor.",
    )


def _errors(form) -> str:
    return "; ".join(
        f"{form.fields[name].label or name}: {' '.join(errs)}" if name != "__all__" else errs[0]
        for name, errs in form.errors.items()
    )


@member_required("sprint_pair")
@require_POST
@submit_once
def alternative_dates(request):
    pair = _my_pair(request)
    dates = queries.sprint_dates(pair, pair.active_members)
    form = DateShiftForm(request.POST, members=[(d.user, d.start, d.end) for d in dates])
    if not form.is_valid():
        messages.error(request, "The dates were not sent: " + _errors(form))
        return _back_to_sprint(request)
    return _run(
        request,
        lambda: services.request_alternative_dates(
            pair=pair, user=request.user, dates=form.dates(), reason=form.cleaned_data["reason"]
        ),
        "Alternative dates sent to the mentor.",
    )


@member_required("sprint_pair")
@require_POST
def writeup(request):
    pair = _my_pair(request)
    form = WriteupForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please give a full web address for your write-up.")
        return _back_to_sprint(request)
    return _run(
        request,
        lambda: services.set_writeup(
            pair=pair, user=request.user, url=form.cleaned_data["writeup_url"]
        ),
        "Write-up link saved.",
    )


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
    context = {
        "pair": pair,
        "dropins": rows[SlotKind.DROPIN],
        "interviews": rows[SlotKind.INTERVIEW],
        "rules": queries.settings_for(cohort),
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
    booking = get_object_or_404(Booking, pk=pk, pair=pair, slot__cohort=request.cohort)
    return _run(
        request,
        lambda: services.cancel_booking(booking=booking, user=request.user),
        "Booking cancelled.",
    )


# Partner suggestions ------------------------------------------------------------------------


@member_required("suggest_partners")
def partner_suggestions(request):
    cohort = request.cohort
    if request.method == "POST":
        pairs = []
        for value in request.POST.getlist("pair"):
            a, _, b = value.partition("-")
            if a.isdigit() and b.isdigit():
                pairs.append((int(a), int(b)))
        sent = services.send_suggested_invitations(cohort=cohort, pairs=pairs, by=request.user)
        messages.success(request, f"{sent} invitation{'s' if sent != 1 else ''} sent.")
        return redirect("sprints:partner_suggestions", slug=cohort.slug)
    proposals, left_out = propose_pairs(matching_inputs(cohort))
    return render(
        request,
        "sprints/partner_suggestions.html",
        {"proposals": proposals, "left_out": left_out},
    )
