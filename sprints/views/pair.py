from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cohort.confirm import ask_to_confirm, is_confirmed
from cohort.once import submit_once
from cohort.permissions import member_required
from cohort.standing import stepped_back
from cohort.validation import has_control_characters
from sprints import queries, services
from sprints.forms import (
    DateShiftForm,
    InviteForm,
    ProblemForm,
    WriteupForm,
)
from sprints.models import (
    DateShiftRequest,
    PairInvitation,
    ProblemState,
    SlotKind,
)
from sprints.providers import pair_todo
from sprints.services import SprintError
from sprints.views._common import _back_to_sprint, _can_change_problem, _my_pair, _run, _sprint_url

# The sprint page ----------------------------------------------------------------------------


def _still_to_do(cohort, pair, bookings) -> list[str]:
    interview_booked = any(b.kind == SlotKind.INTERVIEW for b in bookings)
    items = pair_todo(cohort, pair, interview_booked=interview_booked)
    return [item.label for item in items if not item.done]


@member_required("sprint_pair")
def sprint(request):
    return _render_sprint(request)


def _render_sprint(request, status=200, **forms):
    """The sprint page; a refused form is passed in bound, so it shows what was typed with its
    errors beside the fields, and its section opens."""
    cohort, user = request.cohort, request.user
    pair = queries.pair_of(cohort, user)
    started = queries.sprint_has_started(cohort)
    context = {
        "pair": pair,
        "started": started,
        "rules": queries.settings_for(cohort),
        "stepped_back": stepped_back(request.membership),
    }
    if pair is None:
        candidates = queries.invitable_participants(cohort).exclude(pk=user.pk)
        context.update(
            invitations=queries.pending_invitations(cohort, user),
            invite_form=forms.get("invite_form") or InviteForm(candidates=candidates),
            todo=_still_to_do(cohort, None, []),
        )
        return render(request, "sprints/sprint.html", context, status=status)

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
        problem_form=forms.get("problem_form")
        or ProblemForm(initial=initial, ideas=queries.ideas_with_pair_counts(cohort)),
        can_change_problem=_can_change_problem(pair, started),
        date_requests=list(
            DateShiftRequest.objects.filter(pair=pair).prefetch_related("entries__user")[:5]
        ),
        date_form=forms.get("date_form")
        or DateShiftForm(members=[(d.user, d.start, d.end) for d in dates]),
        bookings=bookings,
        writeup_form=forms.get("writeup_form")
        or WriteupForm(initial={"writeup_url": pair.writeup_url}),
        todo=_still_to_do(cohort, pair, bookings),
        now=timezone.now(),
    )
    return render(request, "sprints/sprint.html", context, status=status)


@member_required("sprint_pair")
@require_POST
@submit_once
def invite(request):
    cohort = request.cohort
    candidates = queries.invitable_participants(cohort).exclude(pk=request.user.pk)
    form = InviteForm(request.POST, candidates=candidates)
    if stepped_back(request.membership):
        messages.error(request, services.WITHDRAWN_MESSAGE)
        return _back_to_sprint(request)
    if not form.is_valid():
        return _render_sprint(request, status=400, invite_form=form)
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
    pair = queries.pair_of(request.cohort, request.user)
    if pair is None:
        # A second click on "Yes, dissolve" lands here: the first one did it.
        messages.info(request, "You are not in a sprint pair (any more).")
        return _back_to_sprint(request)
    if not is_confirmed(request):
        partner = [m.user.display_name for m in pair.active_members if m.user_id != request.user.pk]
        solo = pair.is_solo
        return ask_to_confirm(
            request,
            title="Cancel the solo sprint?" if solo else "Dissolve your pair?",
            question="Your solo sprint will be cancelled."
            if solo
            else f"You and {partner[0] if partner else 'your partner'} will no longer be a pair.",
            consequences=[
                "Your research problem and its rounds stay on record, but no longer count.",
                "Your bookings (drop-ins, interview) are cancelled.",
                "You both go back to the partner board and can invite someone new.",
            ],
            button="Yes, cancel the solo sprint" if solo else "Yes, dissolve the pair",
            back_url=_sprint_url(request),
        )
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
        return _render_sprint(request, status=400, problem_form=form)
    data = form.cleaned_data
    idea = data["idea"]
    current = pair.current_problem
    if not is_confirmed(request) and (idea is not None or _is_approved(current)):
        return _confirm_problem(request, idea=idea, title=data["title"], current=current)
    try:
        services.submit_problem(
            pair=pair,
            user=request.user,
            idea=idea,
            title=data["title"],
            question=data["question"],
            why=data["why"],
            plan=data["plan"],
            risks=data["risks"],
        )
    except SprintError as exc:
        form.add_error(None, str(exc))
        return _render_sprint(request, status=400, problem_form=form)
    messages.success(request, "Idea chosen." if idea else "Proposal sent to the mentor.")
    return _back_to_sprint(request)


def _is_approved(problem) -> bool:
    return problem is not None and problem.state == ProblemState.APPROVED


def _confirm_problem(request, *, idea, title, current):
    consequences = []
    if _is_approved(current):
        consequences.append(f"It replaces your approved problem, “{current.title}”.")
    if idea is not None:
        consequences.append("An idea from the list counts as approved at once.")
    else:
        consequences.append("Your proposal waits for the mentor's approval.")
    consequences.append("You can change it again until the sprint starts.")
    return ask_to_confirm(
        request,
        title="Choose this idea?" if idea else "Change your research problem?",
        question=f"Your pair's research problem will be “{idea.title if idea else title}”.",
        consequences=consequences,
        button="Yes, choose this idea" if idea else "Yes, send the new proposal",
        back_url=_sprint_url(request),
        danger=False,
    )


@member_required("sprint_pair")
@require_POST
@submit_once
def alternative_dates(request):
    pair = _my_pair(request)
    dates = queries.sprint_dates(pair, pair.active_members)
    form = DateShiftForm(
        request.POST,
        members=[(d.user, d.start, d.end) for d in dates],
        cohort=request.cohort,
        rules=queries.settings_for(request.cohort),
    )
    if form.is_valid():
        try:
            services.request_alternative_dates(
                pair=pair, user=request.user, dates=form.dates(), reason=form.cleaned_data["reason"]
            )
        except SprintError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Alternative dates sent to the mentor.")
            return _back_to_sprint(request)
    return _render_sprint(request, status=400, date_form=form)


@member_required("sprint_pair")
@require_POST
def writeup(request):
    pair = _my_pair(request)
    form = WriteupForm(request.POST)
    if not form.is_valid():
        return _render_sprint(request, status=400, writeup_form=form)
    return _run(
        request,
        lambda: services.set_writeup(
            pair=pair, user=request.user, url=form.cleaned_data["writeup_url"]
        ),
        "Write-up link saved.",
    )
