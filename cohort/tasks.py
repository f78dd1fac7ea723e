from celery import shared_task

from cohort.models import Invitation
from cohort.services import send_invitation


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def task_send_invitation(*, invitation_id: int) -> None:
    invitation = Invitation.objects.select_related("cohort").filter(pk=invitation_id).first()
    if invitation is None or invitation.sent_at is not None:
        return
    send_invitation(invitation=invitation)
