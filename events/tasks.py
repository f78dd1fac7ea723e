from celery import shared_task
from django.conf import settings
from django.utils import timezone

from cohort.integrations.base import RetryPolicy, TransientError
from cohort.models import Cohort
from events import sync
from events.models import Event, SyncState


def retry_policy() -> RetryPolicy:
    return RetryPolicy.for_service("GOOGLE_CALENDAR")


def last_attempt(task) -> bool:
    """Whether the attempt running now is the last the retry policy allows."""
    return retry_policy().exhausted(task.request.retries + 1)


def backoff_seconds(task) -> float:
    # Below the broker's visibility timeout, else a waiting retry would be handed out twice.
    return min(
        retry_policy().delay(task.request.retries + 1), settings.CELERY_VISIBILITY_TIMEOUT / 2
    )


@shared_task(bind=True, max_retries=None, acks_late=True)
def task_sync_event(self, *, event_id: int, only_if_pending: bool = True) -> str:
    """Sync one event. A copy that finds the event settled does nothing (a task thought lost
    that was only slow, or one the broker hands out again after a worker died), so it costs
    Google no second write; reconciliation, which found Google differing, passes False."""
    if (
        only_if_pending
        and not Event.objects.filter(pk=event_id, sync_state=SyncState.PENDING).exists()
    ):
        return "settled"
    try:
        return sync.sync_event(event_id=event_id)
    except TransientError as exc:
        if last_attempt(self):
            sync.mark_sync_failed(event_id=event_id, error=f"Gave up after retries: {exc}")
            return "failed"
        countdown = backoff_seconds(self)
        sync.note_retry(event_id=event_id, seconds=countdown)
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task
def task_sweep_calendar_syncs() -> int:
    """Send again the syncs whose task was lost (beat, every GOOGLE_CALENDAR_SWEEP_SECONDS)."""
    stale = sync.events_to_sweep()
    for event_id in stale:
        task_sync_event.delay(event_id=event_id)
    return len(stale)


@shared_task(bind=True, max_retries=3)
def task_reconcile_calendars(self) -> int:
    """For every running cohort, re-sync the events that Google is missing or holds wrongly."""
    today = timezone.localdate()
    running = Cohort.objects.filter(preparation_start__lte=today, interview_end__gte=today)
    queued = 0
    for cohort in running:
        try:
            stale = sync.events_needing_sync(cohort=cohort)
        except TransientError as exc:
            raise self.retry(exc=exc, countdown=backoff_seconds(self)) from exc
        for event_id in stale:
            task_sync_event.delay(event_id=event_id, only_if_pending=False)
        queued += len(stale)
    return queued


@shared_task(bind=True, max_retries=None, acks_late=True)
def task_delete_calendar_event(self, *, cohort_id: int, event_id: int) -> str:
    """An event deleted from the portal (not just cancelled) leaves Google too."""
    cohort = Cohort.objects.filter(pk=cohort_id).first()
    if cohort is None:
        return "gone"
    try:
        sync.delete_remote(cohort=cohort, event_id=event_id)
    except TransientError as exc:
        if last_attempt(self):
            return "failed"
        raise self.retry(exc=exc, countdown=backoff_seconds(self)) from exc
    return "deleted"
