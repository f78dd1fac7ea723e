"""Slack's rate limits, kept per channel and per Web API method, for all workers at once.

Slack limits chat.postMessage per channel (about one message a second, short bursts allowed)
and every other method per workspace (its tier). So, around every call the outbox makes:

- a hold on the method (or, for a post, an update or a delete, on the channel) sends the
  message back to wait until the hold ends;
- a post, an update or a delete then needs its turn in the channel's pace: turns are handed
  out one SLACK_SECONDS_PER_CHANNEL apart, first come first served; a message whose turn is
  later waits for it, keeping it (`SlackMessage.slot_at`), so waiting messages do not poll;
- a 429 holds, for Retry-After seconds, the channel, for chat.postMessage, and for any other
  method that method and, when the call names one, the channel too.

A hold or a later turn raises `TransientError` with `retry_after`, exactly as a 429 does, so
the outbox waits as asked (no attempt counted) and nothing is sent to Slack before its time.
The gates are rows (`SlackRateGate`) changed under a row lock, so they hold across workers and
hosts, and also while the cache is down: the database the outbox lives in is the one thing
delivery cannot do without anyway.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cohort.integrations.base import TransientError
from cohort.integrations.slack import Posted, SlackAPI
from cohort.notifications.models import SlackRateGate

POST_METHOD = "chat.postMessage"
# A turn this close is taken at once (clocks and countdowns are not more exact than that).
ON_TIME_SECONDS = 0.05


def hold_key(*, channel: str = "", method: str = "") -> str:
    return f"hold:channel:{channel}" if channel else f"hold:method:{method}"


def pace_key(channel: str) -> str:
    return f"pace:channel:{channel}"


def _ensure(key: str) -> None:
    if SlackRateGate.objects.filter(key=key).exists():
        return
    try:
        with transaction.atomic():
            SlackRateGate.objects.create(key=key, open_at=timezone.now() - timedelta(seconds=1))
    except IntegrityError:
        pass  # another worker made it first


def seconds_closed(key: str, now: datetime) -> float:
    """How long the gate stays closed from `now`; 0 when it is open (or was never closed)."""
    open_at = SlackRateGate.objects.filter(key=key).values_list("open_at", flat=True).first()
    if open_at is None:
        return 0.0
    return max((open_at - now).total_seconds(), 0.0)


def reserve_turn(key: str, *, pace: float, now: datetime) -> datetime:
    """The next free turn at the gate (now, or when the last turn handed out ends), taken."""
    _ensure(key)
    with transaction.atomic():
        gate = SlackRateGate.objects.select_for_update().get(key=key)
        turn = max(gate.open_at, now)
        gate.open_at = turn + timedelta(seconds=pace)
        gate.save(update_fields=["open_at"])
    return turn


def hold(keys: list[str], *, seconds: float, now: datetime) -> None:
    """Keep every gate in `keys` closed until `seconds` from now (never shorten a hold)."""
    until = now + timedelta(seconds=seconds)
    for key in keys:
        _ensure(key)
        SlackRateGate.objects.filter(key=key, open_at__lt=until).update(open_at=until)


def waiting(what: str, seconds: float) -> TransientError:
    return TransientError(
        f"waiting {seconds:.1f} s for Slack's rate limit on {what}", retry_after=seconds
    )


class RateLimitedSlack:
    """A SlackAPI that keeps Slack's rate limits (see the module's docstring) around another.

    `turn` is the message's place in its channel's pace, if it holds one: read it back after
    an attempt and keep it with the message (it is None once used or given up)."""

    def __init__(self, slack: SlackAPI, *, turn: datetime | None = None):
        self.slack = slack
        self.configured = slack.configured
        self.turn = turn

    def _call(self, method: str, channel: str, call: Callable, *, paced: bool = False):
        if not self.configured:  # the log-only stand-in has no limits to keep
            return call()
        now = timezone.now()
        held = seconds_closed(hold_key(method=method), now)
        if paced and channel:
            held = max(held, seconds_closed(hold_key(channel=channel), now))
        if held:
            self.turn = None  # after the hold, queue again with everyone else
            raise waiting(channel if paced and channel else method, held)
        if paced and channel:
            if self.turn is None:
                pace = settings.SLACK_SECONDS_PER_CHANNEL
                self.turn = reserve_turn(pace_key(channel), pace=pace, now=now)
            ahead = (self.turn - now).total_seconds()
            if ahead > ON_TIME_SECONDS:
                raise waiting(channel, ahead)
            self.turn = None  # used now
        try:
            return call()
        except TransientError as exc:
            if exc.status == 429 and exc.retry_after is not None:
                keys = [hold_key(channel=channel)] if channel else []
                if method != POST_METHOD:
                    keys.append(hold_key(method=method))
                hold(keys, seconds=exc.retry_after, now=timezone.now())
            raise

    def post(self, *, channel: str, text: str, blocks: list, marker: str) -> Posted:
        return self._call(
            POST_METHOD,
            channel,
            lambda: self.slack.post(channel=channel, text=text, blocks=blocks, marker=marker),
            paced=True,
        )

    def update(self, *, channel: str, ts: str, text: str, blocks: list) -> None:
        return self._call(
            "chat.update",
            channel,
            lambda: self.slack.update(channel=channel, ts=ts, text=text, blocks=blocks),
            paced=True,
        )

    def delete(self, *, channel: str, ts: str) -> None:
        return self._call(
            "chat.delete", channel, lambda: self.slack.delete(channel=channel, ts=ts), paced=True
        )

    def permalink(self, *, channel: str, ts: str) -> str:
        return self._call(
            "chat.getPermalink", channel, lambda: self.slack.permalink(channel=channel, ts=ts)
        )

    def find_by_marker(self, *, channel: str, marker: str, oldest: float) -> str | None:
        return self._call(
            "conversations.history",
            channel,
            lambda: self.slack.find_by_marker(channel=channel, marker=marker, oldest=oldest),
        )

    def lookup_user(self, *, email: str) -> str:
        return self._call("users.lookupByEmail", "", lambda: self.slack.lookup_user(email=email))

    def open_direct_channel(self, *, user_id: str) -> str:
        return self._call(
            "conversations.open", "", lambda: self.slack.open_direct_channel(user_id=user_id)
        )

    def email_of(self, *, user_id: str) -> str:
        return self._call("users.info", "", lambda: self.slack.email_of(user_id=user_id))
