import random

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from cohort.integrations.google_calendar import TransientCalendarError
from cohort.models import Cohort
from events import sync


def backoff_seconds(retries: int) -> float:
    """Bounded exponential backoff with full jitter: base * 2^n, capped, times a random share."""
    ceiling = min(
        settings.GOOGLE_CALENDAR_RETRY_MAX, settings.GOOGLE_CALENDAR_RETRY_BASE * 2**retries
    )
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not a secret


@shared_task(bind=True, max_retries=None, acks_late=True)
def task_sync_event(self, *, event_id: int) -> str:
    try:
        return sync.sync_event(event_id=event_id)
    except TransientCalendarError as exc:
        if self.request.retries >= settings.GOOGLE_CALENDAR_MAX_RETRIES:
            sync.mark_sync_failed(event_id=event_id, error=f"Gave up after retries: {exc}")
            return "failed"
        raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc


@shared_task(bind=True, max_retries=3)
def task_reconcile_calendars(self) -> int:
    """For every running cohort, re-sync the events that Google is missing or holds wrongly."""
    today = timezone.localdate()
    running = Cohort.objects.filter(preparation_start__lte=today, interview_end__gte=today)
    queued = 0
    for cohort in running:
        try:
            stale = sync.events_needing_sync(cohort=cohort)
        except TransientCalendarError as exc:
            raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc
        for event_id in stale:
            task_sync_event.delay(event_id=event_id)
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
    except TransientCalendarError as exc:
        if self.request.retries >= settings.GOOGLE_CALENDAR_MAX_RETRIES:
            return "failed"
        raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc
    return "deleted"
