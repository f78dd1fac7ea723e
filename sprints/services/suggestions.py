"""The mentor's partner suggestions: skipping one proposed pairing."""

from django.db import transaction

from cohort.models import Cohort, Membership, Role, User
from sprints.models import SuggestionSkip


def skip_suggestion(*, cohort: Cohort, pair: tuple[int, int], by: User) -> bool:
    """Remember that the mentor skipped this suggested pairing; False when one of the two is
    not a participant of the cohort (or it was skipped already)."""
    first, second = sorted(pair)
    if first == second:
        return False
    participants = Membership.objects.filter(
        cohort=cohort, role=Role.PARTICIPANT, user_id__in=(first, second)
    )
    if participants.count() != 2:
        return False
    with transaction.atomic():
        _skip, created = SuggestionSkip.objects.get_or_create(
            cohort=cohort, first_id=first, second_id=second, defaults={"skipped_by": by}
        )
    return created
