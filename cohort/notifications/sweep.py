"""The sweeper (Celery beat): recovers what was lost on the way to Slack."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cohort.models import Announcement
from cohort.notifications.models import SlackMessage
from cohort.notifications.queue import (
    active_post,
    enqueue_delivery,
    never_posted,
    queue_announcement_post,
)

Kind = SlackMessage.Kind
State = SlackMessage.State


@dataclass(frozen=True)
class SweepResult:
    stale_released: int
    enqueued: int
    announcements_queued: int


def sweep(*, now=None, limit: int = 500) -> SweepResult:
    """Recover what was lost: stuck claims, lost tasks, scheduled announcements now due."""
    now = now or timezone.now()
    stale = SlackMessage.objects.filter(
        state=State.SENDING,
        claimed_at__lt=now - timedelta(seconds=settings.SLACK_STALE_SENDING_SECONDS),
    )
    stale_ids = list(stale.values_list("pk", flat=True)[:limit])
    stale = SlackMessage.objects.filter(pk__in=stale_ids, state=State.SENDING)
    # The worker died between calling Slack and writing down the answer: look before reposting.
    released = stale.filter(kind__in=[Kind.POST, Kind.DIRECT]).update(
        state=State.PENDING, needs_check=True, next_attempt_at=now, slot_at=None
    )
    released += stale.update(state=State.PENDING, next_attempt_at=now, slot_at=None)
    for pk in stale_ids:  # known to be lost: no need to wait for the grace below
        enqueue_delivery(pk)

    due_announcements = list(
        never_posted(Announcement.objects.published(now)).values_list("pk", flat=True)[:limit]
    )
    queued = 0
    for pk in due_announcements:
        with transaction.atomic():
            announcement = (
                never_posted(Announcement.objects.select_for_update().filter(pk=pk))
                .select_related("cohort")
                .first()
            )
            if announcement is not None and active_post(announcement) is None:
                queue_announcement_post(announcement=announcement)
                queued += 1

    overdue = now - timedelta(seconds=settings.SLACK_SWEEP_GRACE_SECONDS)
    ids = list(
        SlackMessage.objects.filter(
            Q(state=State.PENDING) & Q(next_attempt_at__lte=overdue)
        ).values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        enqueue_delivery(pk)
    return SweepResult(stale_released=released, enqueued=len(ids), announcements_queued=queued)
