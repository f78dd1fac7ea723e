"""What the participants app tells other parts of the portal: who still owes a goals form."""

from cohort.models import Cohort, Role
from participants.models import GoalsAnswer
from participants.queries import WITHDRAWN_FROM_PROGRAM


def goals_form_not_submitted(cohort: Cohort) -> list[int]:
    """Participants still in the program whose goals form is not submitted (one query)."""
    return list(
        GoalsAnswer.objects.filter(
            membership__cohort=cohort,
            membership__role=Role.PARTICIPANT,
            submitted_at__isnull=True,
        )
        .exclude(membership__in=cohort.memberships.filter(WITHDRAWN_FROM_PROGRAM))
        .values_list("membership__user_id", flat=True)
    )
