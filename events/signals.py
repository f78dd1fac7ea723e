"""Every change to an event, wherever it is made (admin, services, the shell, demo data), is
mirrored to Google Calendar after commit; lightning rounds get their slots."""

from django.db import transaction

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
