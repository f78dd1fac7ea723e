"""The portal's only way to Slack: a small interface over slack-sdk's WebClient.

`get_slack()` returns the real client when `SLACK_BOT_TOKEN` is set and a log-only stand-in
otherwise (it writes each message to the log and answers as if Slack had accepted it).

Every failure is turned into one of the two errors every integration uses
(`cohort.integrations.base`), so callers decide without knowing HTTP: `TransientError`
(timeouts, connection errors, 5xx: try again later, the request may have reached Slack; a 429
carries `retry_after`, the seconds Slack asked us to wait) and `PermanentError` (Slack said no
for a reason that trying again will not change; `reason` is Slack's code, e.g.
`channel_not_found`).
"""

import itertools
import logging
import time
import urllib.error
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.signature import SignatureVerifier

from cohort.integrations.base import PermanentError, TransientError

logger = logging.getLogger("cohort.slack")

# Error codes Slack returns with HTTP 200 that mean "try again later", not "never".
TRANSIENT_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}
)
MARKER_EVENT_TYPE = "cohort_portal_message"


@dataclass(frozen=True)
class Posted:
    channel: str
    ts: str


class SlackAPI(Protocol):
    """The part of Slack's Web API the portal uses; `configured` is False for the stand-in."""

    configured: bool

    def post(self, *, channel: str, text: str, blocks: list, marker: str) -> Posted: ...
    def update(self, *, channel: str, ts: str, text: str, blocks: list) -> None: ...
    def delete(self, *, channel: str, ts: str) -> None: ...
    def permalink(self, *, channel: str, ts: str) -> str: ...
    def find_by_marker(self, *, channel: str, marker: str, oldest: float) -> str | None: ...
    def lookup_user(self, *, email: str) -> str: ...
    def open_direct_channel(self, *, user_id: str) -> str: ...
    def email_of(self, *, user_id: str) -> str: ...


def rate_limited(retry_after: float) -> TransientError:
    return TransientError(
        f"rate limited: retry after {retry_after:g} s", status=429, retry_after=retry_after
    )


def _retry_after(response) -> float:
    headers = getattr(response, "headers", None) or {}
    value = headers.get("Retry-After") or headers.get("retry-after") or "1"
    if isinstance(value, list):
        value = value[0]
    try:
        return max(float(value), 0.0)
    except (TypeError, ValueError):
        return 1.0


def translate_errors(call):
    """Run one Web API call, turning every failure into TransientError or PermanentError."""
    try:
        return call()
    except SlackApiError as exc:
        response = exc.response
        status = getattr(response, "status_code", 0)
        data = getattr(response, "data", None)
        error = data.get("error", "") if isinstance(data, dict) else ""
        if status == 429 or error == "ratelimited":
            raise rate_limited(_retry_after(response)) from exc
        if status >= 500 or error in TRANSIENT_ERRORS:
            raise TransientError(
                f"HTTP {status} {error}".strip(), status=status, code=error
            ) from exc
        raise PermanentError(error or f"HTTP {status}", status=status, code=error) from exc
    except TimeoutError as exc:
        raise TransientError("timed out") from exc
    except (urllib.error.URLError, ConnectionError, OSError, SlackClientError) as exc:
        raise TransientError(f"{exc.__class__.__name__}: {exc}") from exc
    except ValueError as exc:  # a body that is not JSON, e.g. a proxy's error page
        raise TransientError(f"unreadable answer: {exc}") from exc


class SlackClient:
    """The real thing: slack-sdk's WebClient, pointed at `SLACK_API_BASE_URL`."""

    configured = True

    def __init__(self, token: str, base_url: str, timeout: float):
        # No retry handlers: retrying is the outbox's job, which knows what is safe to repeat.
        self.web = WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=[])

    def post(self, *, channel: str, text: str, blocks: list, marker: str) -> Posted:
        response = translate_errors(
            lambda: self.web.chat_postMessage(
                channel=channel,
                text=text,
                blocks=blocks or None,
                unfurl_links=False,
                metadata={"event_type": MARKER_EVENT_TYPE, "event_payload": {"marker": marker}},
            )
        )
        return Posted(channel=response["channel"], ts=response["ts"])

    def update(self, *, channel: str, ts: str, text: str, blocks: list) -> None:
        translate_errors(
            lambda: self.web.chat_update(channel=channel, ts=ts, text=text, blocks=blocks or None)
        )

    def delete(self, *, channel: str, ts: str) -> None:
        try:
            translate_errors(lambda: self.web.chat_delete(channel=channel, ts=ts))
        except PermanentError as exc:
            if exc.reason != "message_not_found":  # deleted already: what we wanted
                raise

    def permalink(self, *, channel: str, ts: str) -> str:
        response = translate_errors(
            lambda: self.web.chat_getPermalink(channel=channel, message_ts=ts)
        )
        return response.get("permalink", "")

    def find_by_marker(self, *, channel: str, marker: str, oldest: float) -> str | None:
        """The ts of the message we posted with `marker` since `oldest`, if Slack has it."""
        cursor = None
        for _page in range(10):
            response = translate_errors(
                lambda cursor=cursor: self.web.conversations_history(
                    channel=channel,
                    oldest=f"{oldest:.6f}",
                    include_all_metadata=True,
                    limit=200,
                    cursor=cursor,
                )
            )
            for message in response.get("messages", []):
                payload = (message.get("metadata") or {}).get("event_payload") or {}
                if payload.get("marker") == marker:
                    return message["ts"]
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        return None

    def lookup_user(self, *, email: str) -> str:
        """The Slack user id of the person with this e-mail address."""
        response = translate_errors(lambda: self.web.users_lookupByEmail(email=email))
        return response["user"]["id"]

    def open_direct_channel(self, *, user_id: str) -> str:
        """The id of the direct-message channel between the bot and this user."""
        response = translate_errors(lambda: self.web.conversations_open(users=user_id))
        return response["channel"]["id"]

    def email_of(self, *, user_id: str) -> str:
        response = translate_errors(lambda: self.web.users_info(user=user_id))
        return ((response.get("user") or {}).get("profile") or {}).get("email", "")


class LogOnlySlack:
    """No token: write what would be sent to the log and answer as Slack would."""

    configured = False
    _counter = itertools.count(1)

    def _ts(self) -> str:
        return f"{time.time():.0f}.{next(self._counter):06d}"

    def post(self, *, channel: str, text: str, blocks: list, marker: str) -> Posted:
        logger.info("Slack (log only) post to %s [%s]:\n%s", channel, marker, text)
        return Posted(channel=channel, ts=self._ts())

    def update(self, *, channel: str, ts: str, text: str, blocks: list) -> None:
        logger.info("Slack (log only) update %s %s:\n%s", channel, ts, text)

    def delete(self, *, channel: str, ts: str) -> None:
        logger.info("Slack (log only) delete %s %s", channel, ts)

    def permalink(self, *, channel: str, ts: str) -> str:
        return ""

    def find_by_marker(self, *, channel: str, marker: str, oldest: float) -> str | None:
        return None

    def lookup_user(self, *, email: str) -> str:
        return f"local:{email}"

    def open_direct_channel(self, *, user_id: str) -> str:
        return user_id

    def email_of(self, *, user_id: str) -> str:
        return user_id.removeprefix("local:") if user_id.startswith("local:") else ""


def configured() -> bool:
    """Whether a bot token is set (SLACK_BOT_TOKEN)."""
    return bool(settings.SLACK_BOT_TOKEN)


def get_slack(timeout: float | None = None) -> SlackAPI:
    """The real client when a bot token is configured, the log-only stand-in otherwise."""
    if configured():
        return SlackClient(
            token=settings.SLACK_BOT_TOKEN,
            base_url=settings.SLACK_API_BASE_URL,
            timeout=timeout or settings.SLACK_TIMEOUT_SECONDS,
        )
    return LogOnlySlack()


def verify_request(*, body: bytes, timestamp: str | None, signature: str | None) -> bool:
    """Whether a request really comes from Slack (signed with our secret, at most 5 min old)."""
    if not settings.SLACK_SIGNING_SECRET:
        return False
    try:
        return SignatureVerifier(settings.SLACK_SIGNING_SECRET).is_valid(
            body=body, timestamp=timestamp, signature=signature
        )
    except ValueError:  # a timestamp that is not a number
        return False
