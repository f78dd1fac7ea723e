"""Delivering one Slack outbox row: claim it, send it, record the answer or the next try.

The steps that keep delivery exactly once are described in cohort/notifications/__init__.py.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from cohort.integrations.base import PermanentError, RetryPolicy, TransientError
from cohort.integrations.slack import SlackAPI, get_slack
from cohort.models import User
from cohort.notifications.messages import SlackContent, announcement_content
from cohort.notifications.models import SlackAccount, SlackMessage
from cohort.notifications.queue import channel_for
from cohort.notifications.ratelimit import RateLimitedSlack

logger = logging.getLogger("cohort.slack")

Kind = SlackMessage.Kind
State = SlackMessage.State
# Rows whose announcement post is still on its way: updates and deletes wait for it.
WAIT_FOR_PARENT_SECONDS = 5
CHECK_LOOKBACK_SECONDS = 120
CLAIM_EARLY_SECONDS = 1


@dataclass(frozen=True)
class Outcome:
    """What a delivery attempt came to; `retry_in` asks the task to run again after so long."""

    state: str
    retry_in: float | None = None


def retry_policy() -> RetryPolicy:
    return RetryPolicy.for_service("SLACK")


def _claim(message_id: int, now) -> bool:
    # A task woken by its countdown may run a moment before the row's next_attempt_at (the
    # two clocks are read apart); dropping it then would leave the row to the sweeper. The
    # rate-limit gates, not this time, keep Slack's limits, so waking a little early is safe.
    early = now + timedelta(seconds=CLAIM_EARLY_SECONDS)
    return bool(
        SlackMessage.objects.filter(
            pk=message_id, state=State.PENDING, next_attempt_at__lte=early
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


def deliver_message(*, message_id: int) -> Outcome:
    """Claim one outbox row and send it; records ts, the next attempt, or the failure."""
    now = timezone.now()
    if not _claim(message_id, now):
        return Outcome(state="not claimable")
    message = SlackMessage.objects.select_related(
        "announcement__cohort", "recipient", "parent"
    ).get(pk=message_id)
    slack = RateLimitedSlack(get_slack(), turn=message.slot_at)
    try:
        return _deliver(slack, message)
    except TransientError as exc:
        if exc.retry_after is not None:
            # A 429, or a rate-limit gate still closed: wait as asked, without counting an
            # attempt (nothing was sent).
            _release(message, delay=exc.retry_after, error=exc.reason)
            return Outcome(state=State.PENDING, retry_in=exc.retry_after)
        return _try_again_later(message, exc.reason)
    except PermanentError as exc:
        _finish(message, State.FAILED, last_error=exc.reason)
        logger.warning("Slack message %s failed for good: %s", message.pk, exc.reason)
        return Outcome(state=State.FAILED)
    except Exception:
        # A bug or the database, not Slack: count it like a transient error, never loop fast.
        logger.exception("Unexpected error delivering Slack message %s", message.pk)
        return _try_again_later(message, "internal error")
    finally:
        if slack.turn != message.slot_at:  # its turn in the channel's pace, kept or used up
            SlackMessage.objects.filter(pk=message.pk).update(slot_at=slack.turn)


def _try_again_later(message: SlackMessage, reason: str) -> Outcome:
    """Count a failed attempt: back off and try again, or give up after the last one. A post
    or a direct message may have landed, so the next attempt looks for it first."""
    policy = retry_policy()
    attempts = message.attempts + 1
    extra = {"needs_check": True} if message.kind in (Kind.POST, Kind.DIRECT) else {}
    if policy.exhausted(attempts):
        reason = f"gave up after {attempts} attempts: {reason}"
        _finish(message, State.FAILED, attempts=attempts, last_error=reason, **extra)
        return Outcome(state=State.FAILED)
    delay = policy.delay(attempts)
    _release(message, delay=delay, error=reason, attempts=attempts, **extra)
    return Outcome(state=State.PENDING, retry_in=delay)


def _deliver(slack: SlackAPI, message: SlackMessage) -> Outcome:
    if message.kind == Kind.POST:
        return _deliver_post(slack, message)
    if message.kind == Kind.DIRECT:
        return _deliver_direct(slack, message)
    return _deliver_followup(slack, message)


def _post_once(slack, message: SlackMessage, channel: str, content: SlackContent) -> str:
    """Post unless an earlier attempt already did (then return that ts)."""
    if message.needs_check:
        since = (message.created_at - timedelta(seconds=CHECK_LOOKBACK_SECONDS)).timestamp()
        try:
            found = slack.find_by_marker(channel=channel, marker=str(message.marker), oldest=since)
        except PermanentError as exc:
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
        raise PermanentError("no Slack channel is set for this target in the cohort's settings")
    if announcement is not None:
        content = announcement_content(announcement)
    else:
        content = SlackContent(text=message.text, blocks=message.blocks)
    ts = _post_once(slack, message, channel, content)
    sent_at = timezone.now()
    _finish(message, State.SENT, ts=ts, channel=channel, sent_at=sent_at, last_error="")
    if announcement is not None:
        try:
            permalink = slack.permalink(channel=channel, ts=ts)
        except (TransientError, PermanentError) as exc:
            logger.info("No permalink for message %s yet: %s", message.pk, exc)
        else:
            SlackMessage.objects.filter(pk=message.pk).update(permalink=permalink)
    return Outcome(state=State.SENT)


def _direct_channel(slack, user: User) -> str:
    if not slack.configured:  # nothing to remember from the log
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
    except PermanentError as exc:
        if exc.reason == "users_not_found":
            raise PermanentError("no Slack account uses this person's e-mail address") from exc
        raise
    if not message.channel:
        SlackMessage.objects.filter(pk=message.pk).update(channel=channel)
        message.channel = channel
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
    if message.kind == Kind.DELETE:
        slack.delete(channel=parent.channel, ts=parent.ts)
    else:
        announcement = message.announcement
        if announcement is None:
            _finish(message, State.CANCELLED, last_error="announcement deleted")
            return Outcome(state=State.CANCELLED)
        content = announcement_content(announcement)
        slack.update(channel=parent.channel, ts=parent.ts, text=content.text, blocks=content.blocks)
    _finish(message, State.SENT, ts=parent.ts, sent_at=timezone.now(), last_error="")
    return Outcome(state=State.SENT)
