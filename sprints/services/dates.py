"""Alternative sprint dates: the rules, a pair's request, the mentor's decision."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from cohort.models import Cohort, User
from sprints import queries
from sprints.models import (
    DateShiftEntry,
    DateShiftRequest,
    Pair,
    RequestState,
    SprintSettings,
)
from sprints.services.rules import SprintError, member_ids, require_member


def check_alternative_dates(
    *, cohort: Cohort, rules: SprintSettings, entries: list[tuple[date, date]]
) -> None:
    """Refuse dates that end too late or give the pair too few person-days."""
    latest = cohort.sprint_end + timedelta(days=rules.max_days_late)
    for start, end in entries:
        if end < start:
            raise SprintError("Each end date must be on or after its start date.")
        if end > latest:
            raise SprintError(
                f"These dates end on {end:%-d %b}, more than {rules.max_days_late} days after "
                f"the sprint's official end ({cohort.sprint_end:%-d %b}). The latest possible "
                f"end is {latest:%-d %b}."
            )
    needed = rules.min_person_days * len(entries) / 2
    total = sum((end - start).days + 1 for start, end in entries)
    if total < needed:
        raise SprintError(
            f"Together these dates give {total} person-days; a pair needs at least "
            f"{rules.min_person_days} (counting both members)."
        )


def request_alternative_dates(
    *, pair: Pair, user: User, dates: dict[int, tuple[date, date]], reason: str = ""
) -> DateShiftRequest:
    """Ask the mentor for new sprint dates, one start and end per member."""
    require_member(pair, user)
    members = member_ids(pair)
    if set(dates) != members:
        raise SprintError("Give new dates for every member of the pair.")
    check_alternative_dates(
        cohort=pair.cohort, rules=queries.settings_for(pair.cohort), entries=list(dates.values())
    )
    with transaction.atomic():
        DateShiftRequest.objects.filter(pair=pair, state=RequestState.PENDING).update(
            state=RequestState.DECLINED, decided_at=timezone.now()
        )
        request = DateShiftRequest.objects.create(pair=pair, requested_by=user, reason=reason)
        DateShiftEntry.objects.bulk_create(
            DateShiftEntry(request=request, user_id=uid, start_date=s, end_date=e)
            for uid, (s, e) in dates.items()
        )
    return request


def decide_alternative_dates(*, request: DateShiftRequest, approve: bool) -> DateShiftRequest:
    """The mentor approves or declines a pending request for new dates."""
    with transaction.atomic():
        request = DateShiftRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != RequestState.PENDING:
            raise SprintError("This request has been decided already.")
        request.state = RequestState.APPROVED if approve else RequestState.DECLINED
        request.decided_at = timezone.now()
        request.save(update_fields=["state", "decided_at"])
    return request
