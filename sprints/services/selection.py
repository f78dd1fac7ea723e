"""Selection for the research phase: at most the cohort's places, also when saves race."""

from django.db import transaction
from django.utils import timezone

from cohort.models import Cohort, User
from sprints.models import (
    Decision,
    Selection,
)
from sprints.services.rules import SelectionFull, SprintError


def selection_full_message(cohort: Cohort) -> str:
    return (
        f"All {cohort.research_places} research-phase places are taken. Change another "
        "participant's decision first."
    )


def decide_selection(
    *, cohort: Cohort, user: User, decision: str, referred_to: str = "", note: str = ""
) -> Selection:
    """Record the research-phase decision for one participant, never selecting more people than
    the cohort has places: the cohort row is locked while counting."""
    if decision == Decision.REFERRED and not referred_to.strip():
        raise SprintError("Name the mentor the participant is referred to.")
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
        selection, _ = Selection.objects.get_or_create(cohort=cohort, user=user)
        if decision == Decision.SELECTED and selection.decision != Decision.SELECTED:
            taken = Selection.objects.filter(cohort=cohort, decision=Decision.SELECTED).count()
            if taken >= cohort.research_places:
                raise SelectionFull(selection_full_message(cohort))
        selection.decision = decision
        selection.referred_to = referred_to.strip()
        selection.note = note
        selection.decided_at = timezone.now()
        selection.save()
    return selection
