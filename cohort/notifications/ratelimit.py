"""Slack's rate limits, kept per channel and per Web API method, for all workers at once.

Slack limits chat.postMessage per channel (about one message a second, short bursts allowed)
and every other method per workspace (its tier). So, around every call the outbox makes:

- the method's gate must be open; for a post, an update or a delete the channel's gate must be
  open too, and passing it closes it again for SLACK_SECONDS_PER_CHANNEL (the pace);
- a 429 closes for Retry-After seconds the channel's gate, for chat.postMessage, and for any
  other method that method's gate and, when the call names one, the channel's gate.

A closed gate raises `TransientError` with `retry_after`, exactly as a 429 does, so the outbox
waits as asked (no attempt counted) and nothing is sent to Slack before the time has come.
The gates are rows (`SlackRateGate`) changed by conditional UPDATEs, so they hold across
workers and hosts, and also while the cache is down: the database the outbox lives in is
the one thing delivery cannot do without anyway.
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


def channel_key(channel: str) -> str:
    return f"channel:{channel}"


def method_key(method: str) -> str:
    return f"method:{method}"


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


def pass_gate(key: str, *, pace: float, now: datetime) -> float:
    """Go through the gate and close it behind for `pace` seconds: 0 when passed, otherwise
    how long it is still closed. One conditional UPDATE, so one caller wins per opening."""
    _ensure(key)
    passed = SlackRateGate.objects.filter(key=key, open_at__lte=now).update(
        open_at=now + timedelta(seconds=pace)
    )
    if passed:
        return 0.0
    return max(seconds_closed(key, now), 0.001)


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
    """A SlackAPI that keeps Slack's rate limits (see the module's docstring) around another."""

    def __init__(self, slack: SlackAPI):
        self.slack = slack
        self.configured = slack.configured

    def _call(self, method: str, channel: str, call: Callable, *, paced: bool = False):
        if not self.configured:  # the log-only stand-in has no limits to keep
            return call()
        now = timezone.now()
        if closed := seconds_closed(method_key(method), now):
            raise waiting(method, closed)
        if paced and channel:
            closed = pass_gate(
                channel_key(channel), pace=settings.SLACK_SECONDS_PER_CHANNEL, now=now
            )
            if closed:
                raise waiting(channel, closed)
        try:
            return call()
        except TransientError as exc:
            if exc.status == 429 and exc.retry_after is not None:
                keys = [channel_key(channel)] if channel else []
                if method != POST_METHOD:
                    keys.append(method_key(method))
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
