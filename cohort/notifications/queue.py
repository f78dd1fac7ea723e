"""Writing Slack outbox rows: each in the transaction of its cause, delivered after commit.

How the rows are then delivered exactly once is described in cohort/notifications/__init__.py.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cohort.celery import app as celery_app
from cohort.models import Announcement, Channel, Cohort, User
from cohort.notifications.messages import SlackContent
from cohort.notifications.models import SlackMessage

logger = logging.getLogger("cohort.slack")
DELIVER_TASK = "cohort.tasks.task_deliver_slack_message"

Kind = SlackMessage.Kind
State = SlackMessage.State
# --- writing rows --------------------------------------------------------------------------------


def queue_message(
    *,
    kind: str,
    purpose: str,
    cohort: Cohort | None = None,
    channel: str = "",
    recipient: User | None = None,
    announcement: Announcement | None = None,
    parent: SlackMessage | None = None,
    content: SlackContent | None = None,
    dedupe_key: str | None = None,
) -> SlackMessage | None:
    """Write an outbox row and enqueue its delivery after commit; None if `dedupe_key` exists."""
    with transaction.atomic():
        if dedupe_key and SlackMessage.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        try:
            with transaction.atomic():
                message = SlackMessage.objects.create(
                    kind=kind,
                    purpose=purpose,
                    cohort=cohort,
                    channel=channel,
                    recipient=recipient,
                    announcement=announcement,
                    parent=parent,
                    text=content.text if content else "",
                    blocks=content.blocks if content else [],
                    dedupe_key=dedupe_key,
                )
        except IntegrityError:
            return None
        transaction.on_commit(lambda: enqueue_delivery(message.pk))
    return message


def enqueue_delivery(message_id: int, countdown: float | None = None) -> None:
    """Hand a row to the worker; if the broker is away, the sweeper will find the row."""
    if countdown and celery_app.conf.task_always_eager:
        # In-process tasks cannot wait: the row keeps its next_attempt_at for the sweeper.
        return
    if countdown:
        # A countdown longer than the broker's visibility timeout would be handed out twice;
        # a row that must wait longer (a long Retry-After) is picked up by the sweeper.
        countdown = min(countdown, settings.CELERY_VISIBILITY_TIMEOUT / 2)
    try:
        # By name: the task module imports this one (CohortConfig.ready() registers it).
        celery_app.tasks[DELIVER_TASK].apply_async(
            kwargs={"message_id": message_id}, countdown=countdown or None
        )
    except Exception:
        logger.warning("Could not enqueue Slack message %s; the sweeper will", message_id)


def channel_for(announcement: Announcement) -> str:
    cohort = announcement.cohort
    return {
        Channel.ANNOUNCEMENTS: cohort.slack_channel_announcements,
        Channel.RANDOM: cohort.slack_channel_random,
        Channel.QUESTIONS: cohort.slack_channel_questions,
        Channel.RESEARCH_UPDATES: cohort.slack_channel_research_updates,
    }.get(announcement.channel, "")


def active_post(announcement: Announcement) -> SlackMessage | None:
    return (
        SlackMessage.objects.filter(announcement=announcement, kind=Kind.POST)
        .exclude(state__in=[State.FAILED, State.CANCELLED])
        .order_by("-id")
        .first()
    )


def queue_announcement_post(*, announcement: Announcement) -> SlackMessage | None:
    """Queue the post of a published announcement to its channel (its state is now pending)."""
    return queue_message(
        kind=Kind.POST,
        purpose="announcement",
        cohort=announcement.cohort,
        channel=channel_for(announcement),
        announcement=announcement,
    )


def never_posted(announcements=None):
    """Announcements with no post in the outbox yet, in whatever state."""
    posts = SlackMessage.objects.filter(announcement=OuterRef("pk"), kind=Kind.POST)
    return (announcements or Announcement.objects.all()).filter(~Exists(posts))


def sync_announcement(*, announcement: Announcement, changed: set[str] = frozenset()) -> None:
    """After an announcement is saved (the model's post_save hook calls this for every save):
    post it if published and never posted, update it in Slack if its text changed, move it if
    its channel changed. A failed post waits for "Send again"."""
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if not announcement.is_published:
            return
        post = active_post(announcement)
        if post is None:
            if never_posted(Announcement.objects.filter(pk=announcement.pk)).exists():
                queue_announcement_post(announcement=announcement)
            return
        if "channel" in changed:
            queue_message(
                kind=Kind.DELETE,
                purpose="announcement",
                cohort=announcement.cohort,
                announcement=announcement,
                parent=post,
            )
            queue_announcement_post(announcement=announcement)
        elif changed & {"title", "body"}:
            queue_message(
                kind=Kind.UPDATE,
                purpose="announcement",
                cohort=announcement.cohort,
                announcement=announcement,
                parent=post,
            )


def delete_announcement(*, announcement: Announcement) -> None:
    """Delete an announcement; its Slack message is deleted (or never posted) after commit."""
    with transaction.atomic():
        announcement.delete()  # the model's pre_delete hook calls unpost_announcement


def unpost_announcement(*, announcement: Announcement) -> None:
    """An announcement is about to be deleted: its post is cancelled if still waiting, and
    otherwise deleted from Slack (the delete row outlives the announcement)."""
    with transaction.atomic():
        posts = SlackMessage.objects.filter(announcement=announcement, kind=Kind.POST).exclude(
            state__in=[State.FAILED, State.CANCELLED]
        )
        for post in posts:
            cancelled = SlackMessage.objects.filter(pk=post.pk, state=State.PENDING).update(
                state=State.CANCELLED, last_error="announcement deleted before it was posted"
            )
            if not cancelled:
                queue_message(
                    kind=Kind.DELETE,
                    purpose="announcement",
                    cohort=announcement.cohort,
                    parent=post,
                )


def queue_direct_message(
    *, cohort: Cohort, user: User, purpose: str, content: SlackContent, dedupe_key: str | None
) -> SlackMessage | None:
    """Queue a direct message to one person (their Slack user is looked up when it is sent)."""
    return queue_message(
        kind=Kind.DIRECT,
        purpose=purpose,
        cohort=cohort,
        recipient=user,
        content=content,
        dedupe_key=dedupe_key,
    )


def send_again(*, message: SlackMessage) -> bool:
    """Put a failed row back in the queue (it keeps its marker, so a check still applies)."""
    with transaction.atomic():
        reset = SlackMessage.objects.filter(pk=message.pk, state=State.FAILED).update(
            state=State.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            slot_at=None,
            last_error="",
        )
        if reset:
            transaction.on_commit(lambda: enqueue_delivery(message.pk))
    return bool(reset)


def send_announcement_again(*, announcement: Announcement) -> bool:
    """Retry a failed (or never sent) announcement post; False if it is posted or on its way."""
    failed = (
        SlackMessage.objects.filter(announcement=announcement, kind=Kind.POST, state=State.FAILED)
        .order_by("-id")
        .first()
    )
    if active_post(announcement) is not None:
        return False
    if failed is not None:
        return send_again(message=failed)
    if announcement.is_published:
        queue_announcement_post(announcement=announcement)
        return True
    return False
