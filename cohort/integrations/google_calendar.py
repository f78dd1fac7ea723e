"""Google Calendar, through google-api-python-client's Calendar v3 and a service account.

`get_calendar()` returns the real client when service-account credentials are `configured()`,
and otherwise a stand-in that writes to the log what it would have done, so the portal works
the same without Google. Errors come out as the two kinds every integration uses
(`cohort.integrations.base`): `TransientError` (timeouts, 429, 5xx, rate-limit 403s: worth
retrying later) and `PermanentError` (the request itself is wrong: retrying cannot help). A 409
on insert is `EventAlreadyExists`, a `PermanentError`, so callers can turn a retried insert
into an update.
"""

import json
import logging
import threading
from typing import Protocol

import httplib2
from django.conf import settings

from cohort.integrations.base import PermanentError, TransientError

logger = logging.getLogger(__name__)

SCOPES = ["https://www.googleapis.com/auth/calendar"]
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


class EventAlreadyExists(PermanentError):
    """409: an event with this id exists (perhaps deleted): update it instead."""


class CalendarAPI(Protocol):
    """The part of Calendar v3 the portal uses; `configured` is False for the stand-in."""

    configured: bool

    def get(self, *, calendar_id: str, event_id: str) -> dict | None: ...
    def insert(self, *, calendar_id: str, body: dict) -> dict: ...
    def update(self, *, calendar_id: str, event_id: str, body: dict) -> dict: ...
    def delete(self, *, calendar_id: str, event_id: str) -> bool: ...
    def list_events(self, *, calendar_id: str, private_property: str = "") -> list[dict]: ...


def _error_reasons(exc) -> set[str]:
    details = getattr(exc, "error_details", None) or []
    if isinstance(details, dict):
        details = [details]
    if not isinstance(details, list):
        return set()
    return {d.get("reason", "") for d in details if isinstance(d, dict)} - {""}


def classify_http_error(exc) -> TransientError | PermanentError:
    """Turn a googleapiclient HttpError into one of our error kinds."""
    status = int(exc.status_code)
    reasons = _error_reasons(exc)
    message = f"Google Calendar answered {status}: {exc.reason or 'no reason given'}"
    reason = ",".join(sorted(reasons))
    if status == 409:
        return EventAlreadyExists(message, status=status, code=reason)
    if status == 429 or status >= 500 or (status == 403 and reasons & RATE_LIMIT_REASONS):
        return TransientError(message, status=status, code=reason)
    return PermanentError(message, status=status, code=reason)


def _translate(call):
    """Run one API request, mapping transport and HTTP failures to our error kinds."""
    from google.auth.exceptions import RefreshError, TransportError
    from googleapiclient.errors import HttpError

    try:
        return call.execute(num_retries=0)
    except HttpError as exc:
        raise classify_http_error(exc) from exc
    except (TimeoutError, ConnectionError, httplib2.HttpLib2Error) as exc:
        raise TransientError(f"Could not reach Google Calendar: {exc!r}") from exc
    except TransportError as exc:
        raise TransientError(f"Could not reach Google's token service: {exc}") from exc
    except RefreshError as exc:
        # Google's token endpoint refuses bad credentials with 4xx; a 5xx or a timeout is
        # reported as retryable by google-auth.
        if getattr(exc, "retryable", False):
            raise TransientError(f"Token refresh failed: {exc}") from exc
        raise PermanentError(f"Google refused the service account: {exc}") from exc
    except OSError as exc:
        raise TransientError(f"Could not reach Google Calendar: {exc!r}") from exc


class GoogleCalendar:
    """The part of Calendar v3 the portal uses, on one authorised client."""

    configured = True

    def __init__(self, service):
        self.service = service

    def get(self, *, calendar_id: str, event_id: str) -> dict | None:
        """The event, also when deleted (status "cancelled"); None when Google never had it."""
        try:
            return _translate(self.service.events().get(calendarId=calendar_id, eventId=event_id))
        except PermanentError as exc:
            if exc.status in (404, 410):
                return None
            raise

    def insert(self, *, calendar_id: str, body: dict) -> dict:
        return _translate(
            self.service.events().insert(
                calendarId=calendar_id, body=body, conferenceDataVersion=1, sendUpdates="none"
            )
        )

    def update(self, *, calendar_id: str, event_id: str, body: dict) -> dict:
        return _translate(
            self.service.events().update(
                calendarId=calendar_id,
                eventId=event_id,
                body=body,
                conferenceDataVersion=1,
                sendUpdates="none",
            )
        )

    def delete(self, *, calendar_id: str, event_id: str) -> bool:
        """Delete an event; False when it was gone already (404 or 410), which is fine."""
        try:
            _translate(
                self.service.events().delete(
                    calendarId=calendar_id, eventId=event_id, sendUpdates="none"
                )
            )
        except PermanentError as exc:
            if exc.status in (404, 410):
                return False
            raise
        return True

    def list_events(self, *, calendar_id: str, private_property: str = "") -> list[dict]:
        """Every event of the calendar, deleted ones included, optionally filtered by one of
        our private extended properties ("key=value")."""
        items, page_token = [], None
        while True:
            kwargs = {"calendarId": calendar_id, "showDeleted": True, "maxResults": 250}
            if private_property:
                kwargs["privateExtendedProperty"] = private_property
            if page_token:
                kwargs["pageToken"] = page_token
            page = _translate(self.service.events().list(**kwargs))
            items.extend(page.get("items", []))
            page_token = page.get("nextPageToken")
            if not page_token:
                return items


class LogOnlyCalendar:
    """Used when no Google credentials are configured: says what it would do, in the log."""

    configured = False

    # Messages name the cohort's calendar id; an empty id means the cohort has none set.

    def get(self, *, calendar_id: str, event_id: str) -> dict | None:
        return None

    def insert(self, *, calendar_id: str, body: dict) -> dict:
        logger.info(
            "Google Calendar is not configured; would create %s in %r: %s",
            body.get("id"),
            calendar_id,
            json.dumps(body, sort_keys=True),
        )
        return body

    def update(self, *, calendar_id: str, event_id: str, body: dict) -> dict:
        logger.info(
            "Google Calendar is not configured; would update %s in %r: %s",
            event_id,
            calendar_id,
            json.dumps(body, sort_keys=True),
        )
        return body

    def delete(self, *, calendar_id: str, event_id: str) -> bool:
        logger.info(
            "Google Calendar is not configured; would delete %s from %r", event_id, calendar_id
        )
        return True

    def list_events(self, *, calendar_id: str, private_property: str = "") -> list[dict]:
        return []


def service_account_info() -> dict | None:
    """The service account's key, from GOOGLE_SERVICE_ACCOUNT_JSON or _FILE; None if unset."""
    if settings.GOOGLE_SERVICE_ACCOUNT_JSON:
        return json.loads(settings.GOOGLE_SERVICE_ACCOUNT_JSON)
    if settings.GOOGLE_SERVICE_ACCOUNT_FILE:
        with open(settings.GOOGLE_SERVICE_ACCOUNT_FILE, encoding="utf-8") as handle:
            return json.load(handle)
    return None


def build_service(info: dict):
    """A Calendar v3 client from the discovery document shipped in the package (no fetch)."""
    import google_auth_httplib2
    from google.oauth2 import service_account
    from googleapiclient.discovery import build

    credentials = service_account.Credentials.from_service_account_info(
        info, scopes=SCOPES, subject=settings.GOOGLE_CALENDAR_DELEGATED_USER or None
    ).with_token_uri(settings.GOOGLE_TOKEN_URI)
    http = google_auth_httplib2.AuthorizedHttp(
        credentials, http=httplib2.Http(timeout=settings.GOOGLE_CALENDAR_TIMEOUT_SECONDS)
    )
    return build(
        "calendar",
        "v3",
        http=http,
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": settings.GOOGLE_CALENDAR_API_ENDPOINT},
    )


# httplib2 connections are not thread-safe: one client per thread, rebuilt when settings change.
_local = threading.local()


def configured() -> bool:
    """Whether a service account is set (GOOGLE_SERVICE_ACCOUNT_JSON or _FILE)."""
    return bool(settings.GOOGLE_SERVICE_ACCOUNT_JSON or settings.GOOGLE_SERVICE_ACCOUNT_FILE)


def get_calendar() -> CalendarAPI:
    """The real client when a service account is configured, the log-only stand-in otherwise."""
    if not configured():
        return LogOnlyCalendar()
    # Keyed on the settings so tests (and a changed environment) get a fresh client.
    key = (
        settings.GOOGLE_SERVICE_ACCOUNT_JSON,
        settings.GOOGLE_SERVICE_ACCOUNT_FILE,
        settings.GOOGLE_CALENDAR_DELEGATED_USER,
        settings.GOOGLE_CALENDAR_API_ENDPOINT,
        settings.GOOGLE_TOKEN_URI,
        settings.GOOGLE_CALENDAR_TIMEOUT_SECONDS,
    )
    if getattr(_local, "key", None) != key:
        _local.calendar = GoogleCalendar(build_service(service_account_info()))
        _local.key = key
    return _local.calendar
