"""Celery entry points of the Slack domain. Their names predate this package and are kept, so
tasks already queued, and beat's schedule (settings.CELERY_BEAT_SCHEDULE), still find them."""

from celery import shared_task

from cohort.notifications.deliver import deliver_message
from cohort.notifications.queue import DELIVER_TASK, enqueue_delivery
from cohort.notifications.reminders import send_due_reminders
from cohort.notifications.sweep import sweep


@shared_task(name=DELIVER_TASK)
def task_deliver_slack_message(*, message_id: int) -> None:
    """Deliver one outbox row; when Slack asks us to wait, the task is enqueued again with a
    countdown instead of sleeping. Safe to run twice: the row is claimed first."""
    outcome = deliver_message(message_id=message_id)
    if outcome.retry_in is not None:
        enqueue_delivery(message_id, countdown=max(outcome.retry_in, 0.1))


@shared_task(name="cohort.tasks.task_sweep_slack_outbox")
def task_sweep_slack_outbox() -> None:
    sweep()


@shared_task(name="cohort.tasks.task_send_reminders")
def task_send_reminders() -> None:
    send_due_reminders()
