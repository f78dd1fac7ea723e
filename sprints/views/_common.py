from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from sprints import queries
from sprints.models import ProblemState
from sprints.services import SprintError


def _back_to_sprint(request):
    return redirect("sprints:sprint", slug=request.cohort.slug)


def _sprint_url(request) -> str:
    return reverse("sprints:sprint", kwargs={"slug": request.cohort.slug})


def _my_pair(request):
    pair = queries.pair_of(request.cohort, request.user)
    if pair is None:
        raise Http404("You are not in a sprint pair.")
    return pair


def _can_change_problem(pair, started: bool) -> bool:
    """A problem can be proposed, revised or swapped until the sprint starts; after that only a
    proposal still open (pending or sent back) can be revised."""
    current = pair.current_problem
    return not started or current is None or current.state != ProblemState.APPROVED


def _run(request, action, success: str):
    try:
        action()
    except SprintError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return _back_to_sprint(request)
