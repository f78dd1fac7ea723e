from celery import shared_task

from cohort.models import Invitation
from cohort.personal_data import apply_retention
from cohort.services import SEND_INVITATION_TASK, send_invitation


@shared_task(
    name=SEND_INVITATION_TASK,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def task_send_invitation(*, invitation_id: int, again: bool = False) -> None:
    """Send an invitation once; `again` sends it again (the mentor's resend, once a day)."""
    invitation = Invitation.objects.select_related("cohort").filter(pk=invitation_id).first()
    if invitation is None or invitation.accepted_at is not None:
        return
    if invitation.sent_at is not None and not again:
        return
    send_invitation(invitation=invitation)


@shared_task
def task_apply_retention() -> None:
    """Beat: delete what closed cohorts keep past their dates (recorded, safe to run twice)."""
    apply_retention()
