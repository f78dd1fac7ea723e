"""Deleting a whole cohort: the one supported way (the admin's delete, open to superusers only).

Some records guard others with PROTECT: the compute audit trail guards its claims and top-ups,
so that neither can be deleted while it has a history, not even through a cascade. When the
whole cohort goes, the app that owns such records deletes them first, through a function it
registers in its `ready()`:

    deletion.register_guards(lambda cohort: {"audit entries": 12})   # deletes, returns counts

The core knows no app; the retention purge deletes the same records through the same service
of their app.
"""

from collections.abc import Callable

from django.db import transaction

from cohort.models import Cohort

GuardDeleter = Callable[[Cohort], dict[str, int]]
_guards: list[GuardDeleter] = []


def register_guards(delete: GuardDeleter) -> None:
    if delete not in _guards:
        _guards.append(delete)


def delete_guards(cohort: Cohort) -> dict[str, int]:
    """Delete the records of `cohort` that guard others; how many of each went."""
    counts: dict[str, int] = {}
    for delete in _guards:
        counts.update(delete(cohort))
    return counts


def delete_cohort(*, cohort: Cohort) -> dict[str, int]:
    """Delete a cohort and everything in it, the records that guard others first."""
    with transaction.atomic():
        counts = delete_guards(cohort)
        cohort.delete()
    return counts
