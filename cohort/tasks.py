from celery import shared_task

from cohort.models import Invitation
from cohort.services import send_invitation


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def task_send_invitation(*, invitation_id: int, again: bool = False) -> None:
    """Send an invitation once; `again` sends it again (the mentor's resend, once a day)."""
    invitation = Invitation.objects.select_related("cohort").filter(pk=invitation_id).first()
    if invitation is None or invitation.accepted_at is not None:
        return
    if invitation.sent_at is not None and not again:
        return
    send_invitation(invitation=invitation)


@shared_task
def task_deliver_slack_message(*, message_id: int) -> None:
    """Deliver one outbox row; when Slack asks us to wait, the task is enqueued again with a
    countdown instead of sleeping. Safe to run twice: the row is claimed first."""
    from cohort.slack_outbox import deliver_message, enqueue_delivery

    outcome = deliver_message(message_id=message_id)
    if outcome.retry_in is not None:
        enqueue_delivery(message_id, countdown=max(outcome.retry_in, 0.1))


@shared_task
def task_sweep_slack_outbox() -> None:
    from cohort.slack_outbox import sweep

    sweep()


@shared_task
def task_send_reminders() -> None:
    from cohort.reminders import send_due_reminders

    send_due_reminders()
