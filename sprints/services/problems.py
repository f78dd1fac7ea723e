"""A pair's research problem: choosing an idea or proposing one, and the mentor's decision."""

from django.db import transaction
from django.utils import timezone

from cohort.models import Cohort, User
from sprints import notifications, queries
from sprints.models import (
    Idea,
    Pair,
    PairMember,
    ProblemState,
    ProblemSubmission,
)
from sprints.services.rules import SprintError, require_member


def submit_problem(
    *,
    pair: Pair,
    user: User,
    idea: Idea | None = None,
    title: str = "",
    question: str = "",
    why: str = "",
    plan: str = "",
    risks: str = "",
) -> ProblemSubmission:
    """Choose an idea from the list (approved at once: the mentor wrote it) or propose a problem
    (pending until the mentor decides). A pending round is edited in place; after a decision
    a new round starts, and every round is kept."""
    require_member(pair, user)
    if idea is not None and idea.cohort_id != pair.cohort_id:
        raise SprintError("That idea is not from this cohort.")
    if idea is None and not title.strip():
        raise SprintError("A proposal needs a title.")
    with transaction.atomic():
        pair = Pair.objects.select_for_update().get(pk=pair.pk)
        current = pair.current_problem
        if (
            current is not None
            and current.state == ProblemState.APPROVED
            and queries.sprint_has_started(pair.cohort)
        ):
            raise SprintError(
                "The sprint has started, so your approved problem stays as it is. Ask the "
                "mentor if it really must change."
            )
        fields = {
            "idea": idea,
            "title": idea.title if idea else title.strip(),
            "question": question,
            "why": why,
            "plan": plan,
            "risks": risks,
            "submitted_by": user,
            "submitted_at": timezone.now(),
            "state": ProblemState.APPROVED if idea else ProblemState.PENDING,
            "decided_at": timezone.now() if idea else None,
        }
        if current is not None and current.state == ProblemState.PENDING:
            for name, value in fields.items():
                setattr(current, name, value)
            current.save()
            return current
        last_round = current.round if current else 0
        submission = ProblemSubmission.objects.create(pair=pair, round=last_round + 1, **fields)
        pair.current_problem = submission
        pair.save(update_fields=["current_problem"])
    return submission


def decide_problem(
    *, submission: ProblemSubmission, approve: bool, comment: str = "", by: User | None = None
) -> ProblemSubmission:
    """Approve a pending proposal or send it back with a comment; notifies both members."""
    if not approve and not comment.strip():
        raise SprintError("Say what should change when sending a proposal back.")
    with transaction.atomic():
        submission = ProblemSubmission.objects.select_for_update().get(pk=submission.pk)
        if submission.state != ProblemState.PENDING:
            raise SprintError(f"“{submission.title}” is not waiting for a decision.")
        submission.state = ProblemState.APPROVED if approve else ProblemState.SENT_BACK
        submission.mentor_comment = comment.strip()
        submission.decided_at = timezone.now()
        submission.save(update_fields=["state", "mentor_comment", "decided_at"])
        members = [
            m.user
            for m in PairMember.objects.select_related("user").filter(
                pair_id=submission.pair_id, active=True
            )
        ]
        notifications.notify_problem_decided(submission, members)
    return submission


def delete_cohort_problems_and_ideas(*, cohort: Cohort) -> dict[str, int]:
    """Delete a cohort's research problems, then its ideas, when the whole cohort is deleted:
    each PROTECTs what it points at (a problem its idea, an idea its category)."""
    with transaction.atomic():
        _, problems = ProblemSubmission.objects.filter(pair__cohort=cohort).delete()
        _, ideas = Idea.objects.filter(cohort=cohort).delete()
    return {
        "research problems": problems.get(ProblemSubmission._meta.label, 0),
        "ideas": ideas.get(Idea._meta.label, 0),
    }
