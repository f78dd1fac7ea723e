"""The Slack outbox: messages are rows first, then delivered exactly once by Celery tasks.

How "exactly once" is kept, step by step:

1. A cause (an announcement published, a notification recorded, a reminder due) writes a
   `SlackMessage` row in its own transaction; the delivery task is enqueued only after commit.
2. The task claims the row with a conditional UPDATE (pending → sending, only when its
   `next_attempt_at` has come). Only the winner of the claim calls Slack, so a duplicated or
   retried task never posts twice, and only the winner schedules the next attempt, so the
   number of live tasks per row never grows.
3. After Slack answers, `ts` is stored and the row is `sent`. A 429 puts the row back with
   `next_attempt_at` = now + Retry-After and re-enqueues with that countdown (no sleeping in the
   worker); timeouts, connection errors and 5xx back off exponentially (bounded, at most
   SLACK_MAX_ATTEMPTS tries); permanent errors mark the row failed with Slack's reason.
4. The sweeper (Celery beat) re-enqueues pending rows whose time is well past (the task was
   lost: worker killed, Redis restarted) and rows stuck in `sending` for longer than
   SLACK_STALE_SENDING_SECONDS (the worker died between calling Slack and storing `ts`).
5. The window between "Slack accepted the post" and "we stored ts" cannot be closed with a
   database alone. Every post carries the row's `marker` as message metadata; whenever an
   attempt may have reached Slack (timeout, 5xx, connection lost, worker died mid-call) the
   row gets `needs_check`, and the next attempt first reads the channel's history
   (conversations.history with include_all_metadata) for that marker: found means sent, with
   that ts, and nothing is posted again. What remains: if the history read itself is refused
   (missing `channels:history`/`im:history` scope) the row is posted again (at least once
   wins over at most once, and the log says so); and a post still invisible in history when
   the check runs (Slack is eventually consistent) could be repeated. Stale rows are only
   checked after SLACK_STALE_SENDING_SECONDS, well beyond the client timeout, to keep that small.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from cohort.integrations.slack import (
    LogOnlySlack,
    Permanent,
    RateLimited,
    SlackClient,
    Transient,
    get_slack,
)
from cohort.models import (
    Announcement,
    Channel,
    Cohort,
    DeliveryState,
    SlackAccount,
    SlackMessage,
    User,
)
from cohort.slack_messages import SlackContent, announcement_content

logger = logging.getLogger("cohort.slack")

Kind = SlackMessage.Kind
State = SlackMessage.State
# Rows whose announcement post is still on its way: updates and deletes wait for it.
WAIT_FOR_PARENT_SECONDS = 5
CHECK_LOOKBACK_SECONDS = 120


@dataclass(frozen=True)
class Outcome:
    """What a delivery attempt came to; `retry_in` asks the task to run again after so long."""

    state: str
    retry_in: float | None = None


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
    from cohort.celery import app
    from cohort.tasks import task_deliver_slack_message

    if countdown and app.conf.task_always_eager:
        # In-process tasks cannot wait: the row keeps its next_attempt_at for the sweeper.
        return
    try:
        task_deliver_slack_message.apply_async(
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
    """Queue the post of a published announcement to its channel; marks it pending."""
    with transaction.atomic():
        message = queue_message(
            kind=Kind.POST,
            purpose="announcement",
            cohort=announcement.cohort,
            channel=channel_for(announcement),
            announcement=announcement,
        )
        Announcement.objects.filter(pk=announcement.pk).update(
            slack_state=DeliveryState.PENDING, slack_error=""
        )
    return message


def sync_announcement(*, announcement: Announcement, changed: set[str] = frozenset()) -> None:
    """After an announcement is saved: post it if published and not yet sent, update it in
    Slack if its text changed, move it if its channel changed."""
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if not announcement.is_published:
            return
        post = active_post(announcement)
        if post is None:
            if announcement.slack_state == DeliveryState.NOT_SENT:
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
        announcement.delete()


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
            state=State.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
        )
        if reset and message.announcement_id and message.kind == Kind.POST:
            Announcement.objects.filter(pk=message.announcement_id).update(
                slack_state=DeliveryState.PENDING, slack_error=""
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


# --- delivering a row ----------------------------------------------------------------------------


def backoff_seconds(attempts: int) -> float:
    base, cap = settings.SLACK_RETRY_BASE_SECONDS, settings.SLACK_RETRY_MAX_SECONDS
    return min(cap, base * (2 ** max(attempts - 1, 0)))


def channel_gate_open(channel: str) -> bool:
    """About one message per second per channel, across all workers (a key in the cache)."""
    seconds = settings.SLACK_SECONDS_PER_CHANNEL
    if not seconds or not channel:
        return True
    try:
        return cache.add(f"slack-gate:{channel}", 1, timeout=max(1, round(seconds)))
    except Exception:
        return True


def _claim(message_id: int, now) -> bool:
    return bool(
        SlackMessage.objects.filter(
            pk=message_id, state=State.PENDING, next_attempt_at__lte=now
        ).update(state=State.SENDING, claimed_at=now)
    )


def _release(message: SlackMessage, *, delay: float, error: str = "", **fields) -> None:
    SlackMessage.objects.filter(pk=message.pk, state=State.SENDING).update(
        state=State.PENDING,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        last_error=error or F("last_error"),
        **fields,
    )


def _finish(message: SlackMessage, state: str, **fields) -> None:
    # Unconditional on purpose: once Slack has answered, its answer is the truth.
    SlackMessage.objects.filter(pk=message.pk).update(state=state, **fields)


def _announcement_result(message: SlackMessage, **fields) -> None:
    if message.announcement_id and message.kind == Kind.POST:
        Announcement.objects.filter(pk=message.announcement_id).update(**fields)


def deliver_message(*, message_id: int) -> Outcome:
    """Claim one outbox row and send it; records ts, the next attempt, or the failure."""
    now = timezone.now()
    if not _claim(message_id, now):
        return Outcome(state="not claimable")
    message = SlackMessage.objects.select_related(
        "announcement__cohort", "recipient", "parent"
    ).get(pk=message_id)
    slack = get_slack()
    try:
        return _deliver(slack, message)
    except RateLimited as exc:
        _release(message, delay=exc.retry_after, error=exc.reason)
        return Outcome(state=State.PENDING, retry_in=exc.retry_after)
    except Transient as exc:
        attempts = message.attempts + 1
        may_have_landed = message.kind in (Kind.POST, Kind.DIRECT)
        if attempts >= settings.SLACK_MAX_ATTEMPTS:
            reason = f"gave up after {attempts} attempts: {exc.reason}"
            extra = {"needs_check": True} if may_have_landed else {}
            _finish(message, State.FAILED, attempts=attempts, last_error=reason, **extra)
            _announcement_result(message, slack_state=DeliveryState.FAILED, slack_error=reason)
            return Outcome(state=State.FAILED)
        delay = backoff_seconds(attempts)
        extra = {"needs_check": True} if may_have_landed else {}
        _release(message, delay=delay, error=exc.reason, attempts=attempts, **extra)
        _announcement_result(message, slack_error=exc.reason)
        return Outcome(state=State.PENDING, retry_in=delay)
    except Permanent as exc:
        _finish(message, State.FAILED, last_error=exc.reason)
        _announcement_result(message, slack_state=DeliveryState.FAILED, slack_error=exc.reason)
        logger.warning("Slack message %s failed for good: %s", message.pk, exc.reason)
        return Outcome(state=State.FAILED)
    except Exception:
        # A bug or the database, not Slack: count it like a transient error, never loop fast.
        logger.exception("Unexpected error delivering Slack message %s", message.pk)
        attempts = message.attempts + 1
        extra = {"needs_check": True} if message.kind in (Kind.POST, Kind.DIRECT) else {}
        if attempts >= settings.SLACK_MAX_ATTEMPTS:
            _finish(message, State.FAILED, attempts=attempts, last_error="internal error", **extra)
            return Outcome(state=State.FAILED)
        delay = backoff_seconds(attempts)
        _release(message, delay=delay, error="internal error", attempts=attempts, **extra)
        return Outcome(state=State.PENDING, retry_in=delay)


def _deliver(slack: SlackClient | LogOnlySlack, message: SlackMessage) -> Outcome:
    if message.kind == Kind.POST:
        return _deliver_post(slack, message)
    if message.kind == Kind.DIRECT:
        return _deliver_direct(slack, message)
    return _deliver_followup(slack, message)


def _wait_for_gate(slack, message: SlackMessage, channel: str) -> Outcome | None:
    if not slack.is_real or channel_gate_open(channel):
        return None
    delay = settings.SLACK_SECONDS_PER_CHANNEL
    _release(message, delay=delay)
    return Outcome(state=State.PENDING, retry_in=delay)


def _post_once(slack, message: SlackMessage, channel: str, content: SlackContent) -> str:
    """Post unless an earlier attempt already did (then return that ts)."""
    if message.needs_check:
        since = (message.created_at - timedelta(seconds=CHECK_LOOKBACK_SECONDS)).timestamp()
        try:
            found = slack.find_by_marker(channel=channel, marker=str(message.marker), oldest=since)
        except Permanent as exc:
            logger.warning(
                "Cannot read %s to check message %s (%s): posting again", channel, message.pk, exc
            )
            found = None
        if found:
            logger.info("Slack message %s was posted already (ts %s)", message.pk, found)
            return found
    return slack.post(
        channel=channel, text=content.text, blocks=content.blocks, marker=str(message.marker)
    ).ts


def _deliver_post(slack, message: SlackMessage) -> Outcome:
    announcement = message.announcement
    if message.purpose == "announcement" and announcement is None:
        _finish(message, State.CANCELLED, last_error="announcement deleted before it was posted")
        return Outcome(state=State.CANCELLED)
    channel = message.channel or (channel_for(announcement) if announcement else "")
    if not channel:
        raise Permanent("no Slack channel is set for this target in the cohort's settings")
    if waiting := _wait_for_gate(slack, message, channel):
        return waiting
    if announcement is not None:
        content = announcement_content(announcement)
    else:
        content = SlackContent(text=message.text, blocks=message.blocks)
    ts = _post_once(slack, message, channel, content)
    sent_at = timezone.now()
    _finish(message, State.SENT, ts=ts, channel=channel, sent_at=sent_at, last_error="")
    if announcement is not None:
        Announcement.objects.filter(pk=announcement.pk).update(
            slack_state=DeliveryState.DELIVERED,
            slack_ts=ts,
            slack_channel_id=channel,
            slack_error="",
        )
        try:
            permalink = slack.permalink(channel=channel, ts=ts)
        except (Transient, RateLimited, Permanent) as exc:
            logger.info("No permalink for message %s yet: %s", message.pk, exc)
        else:
            Announcement.objects.filter(pk=announcement.pk).update(slack_permalink=permalink)
    return Outcome(state=State.SENT)


def _direct_channel(slack, user: User) -> str:
    if not slack.is_real:  # nothing to remember from the log
        return slack.open_direct_channel(user_id=slack.lookup_user(email=user.email))
    account = SlackAccount.objects.filter(user=user).first()
    if account and account.dm_channel_id:
        return account.dm_channel_id
    if account is None or not account.slack_user_id:
        user_id = slack.lookup_user(email=user.email)
        account, _ = SlackAccount.objects.update_or_create(
            user=user, defaults={"slack_user_id": user_id, "looked_up_at": timezone.now()}
        )
    account.dm_channel_id = slack.open_direct_channel(user_id=account.slack_user_id)
    account.save(update_fields=["dm_channel_id"])
    return account.dm_channel_id


def _deliver_direct(slack, message: SlackMessage) -> Outcome:
    if message.recipient is None:
        _finish(message, State.CANCELLED, last_error="the person no longer exists")
        return Outcome(state=State.CANCELLED)
    try:
        channel = message.channel or _direct_channel(slack, message.recipient)
    except Permanent as exc:
        if exc.reason == "users_not_found":
            raise Permanent("no Slack account uses this person's e-mail address") from exc
        raise
    if not message.channel:
        SlackMessage.objects.filter(pk=message.pk).update(channel=channel)
        message.channel = channel
    if waiting := _wait_for_gate(slack, message, channel):
        return waiting
    content = SlackContent(text=message.text, blocks=message.blocks)
    ts = _post_once(slack, message, channel, content)
    _finish(message, State.SENT, ts=ts, sent_at=timezone.now(), last_error="")
    return Outcome(state=State.SENT)


def _deliver_followup(slack, message: SlackMessage) -> Outcome:
    parent = message.parent
    if parent is None or parent.state in (State.FAILED, State.CANCELLED):
        _finish(message, State.CANCELLED, last_error="the message it applies to was never posted")
        return Outcome(state=State.CANCELLED)
    if parent.state != State.SENT:
        _release(message, delay=WAIT_FOR_PARENT_SECONDS)
        return Outcome(state=State.PENDING, retry_in=WAIT_FOR_PARENT_SECONDS)
    if waiting := _wait_for_gate(slack, message, parent.channel):
        return waiting
    if message.kind == Kind.DELETE:
        slack.delete(channel=parent.channel, ts=parent.ts)
        if parent.announcement_id:
            # Only if it still points at this message (a channel move posts a new one).
            Announcement.objects.filter(pk=parent.announcement_id, slack_ts=parent.ts).update(
                slack_ts="", slack_permalink="", slack_channel_id=""
            )
    else:
        announcement = message.announcement
        if announcement is None:
            _finish(message, State.CANCELLED, last_error="announcement deleted")
            return Outcome(state=State.CANCELLED)
        content = announcement_content(announcement)
        slack.update(channel=parent.channel, ts=parent.ts, text=content.text, blocks=content.blocks)
    _finish(message, State.SENT, ts=parent.ts, sent_at=timezone.now(), last_error="")
    return Outcome(state=State.SENT)


# --- the sweeper ---------------------------------------------------------------------------------


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
    # The worker died between calling Slack and writing down the answer: look before reposting.
    released = stale.filter(kind__in=[Kind.POST, Kind.DIRECT]).update(
        state=State.PENDING, needs_check=True, next_attempt_at=now
    )
    released += stale.update(state=State.PENDING, next_attempt_at=now)

    due_announcements = list(
        Announcement.objects.published(now)
        .filter(slack_state=DeliveryState.NOT_SENT)
        .values_list("pk", flat=True)[:limit]
    )
    queued = 0
    for pk in due_announcements:
        with transaction.atomic():
            announcement = (
                Announcement.objects.select_for_update()
                .filter(pk=pk, slack_state=DeliveryState.NOT_SENT)
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
