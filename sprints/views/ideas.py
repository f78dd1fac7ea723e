from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render

from cohort.models import User
from cohort.once import submit_once
from cohort.permissions import member_required
from cohort.validation import query_int
from sprints import queries
from sprints.forms import (
    IdeaFilterForm,
    MiniProjectForm,
)
from sprints.models import (
    MiniProject,
)

# Ideas and mini-projects --------------------------------------------------------------------
from sprints.views._common import _can_change_problem


@member_required()
def ideas(request):
    cohort = request.cohort
    form = IdeaFilterForm(request.GET or None, categories=queries.categories(cohort))
    items = form.apply(queries.ideas_with_pair_counts(cohort))
    pair = queries.pair_of(cohort, request.user) if request.membership.can("sprint_pair") else None
    can_choose = pair is not None and _can_change_problem(pair, queries.sprint_has_started(cohort))
    context = {"form": form, "ideas": items, "pair": pair, "can_choose": can_choose}
    return render(request, "sprints/ideas.html", context)


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
