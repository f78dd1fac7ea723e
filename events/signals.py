"""Every change to an event, wherever it is made (admin, services, the shell, demo data), is
mirrored to Google Calendar after commit; lightning rounds get their slots."""

from django.db import transaction

from cohort import fragments
from events.models import Event
from events.queries import TOPIC
from events.services import enqueue_sync, ensure_lightning_slots
from events.tasks import task_delete_calendar_event


def event_saved(sender, instance, **kwargs):
    ensure_lightning_slots(event=instance)
    enqueue_sync(event_id=instance.pk)


def event_deleted(sender, instance, **kwargs):
    cohort_id, event_id = instance.cohort_id, instance.pk
    transaction.on_commit(
        lambda: task_delete_calendar_event.delay(cohort_id=cohort_id, event_id=event_id)
    )


def cohort_of_attendance(row) -> int | None:
    # The event may be gone already (a cascade); its own deletion bumps the events topic then.
    return Event.objects.filter(pk=row.event_id).values_list("cohort_id", flat=True).first()


def _bump_hosted(user) -> None:
    for cohort_id in (
        Event.objects.filter(host=user).values_list("cohort_id", flat=True).distinct().order_by()
    ):
        fragments.bump(cohort_id, TOPIC)


def host_saved(sender, instance, update_fields=None, **kwargs):
    """The schedule shows its hosts' names: a rename is a change of the events it hosts."""
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return  # logging in or changing a password renames nobody
    _bump_hosted(instance)


def host_deleted(sender, instance, **kwargs):
    """Before the user goes: their events lose the host (by an UPDATE, which sends no signal)."""
    _bump_hosted(instance)
