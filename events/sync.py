"""Keeping the cohort's Google Calendar in step with its schedule.

Every sync reads the event afresh and makes Google match it, so running it twice, or late, is
harmless: the Google event id is derived from our primary key. An event Google already holds
(it was synced before) is updated in one call, and inserted only if the update meets 404; a new
event is inserted, and an insert that meets 409 (the first attempt reached Google after all)
becomes an update; a delete of something already gone is fine. When the event changed while
we talked to Google, the sync goes round again so the last write always carries the newest
version.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from cohort.integrations import google_calendar
from cohort.integrations.base import PermanentError, TransientError
from cohort.integrations.google_calendar import EventAlreadyExists
from events.models import Event, SyncState, google_event_id

logger = logging.getLogger(__name__)

PORTAL_PROPERTY = "portalEventId"
MAX_ROUNDS = 3


def calendar_for(cohort):
    """The cohort's calendar client; the logging stand-in when the cohort has no calendar id."""
    if not cohort.google_calendar_id:
        return google_calendar.LogOnlyCalendar()
    return google_calendar.get_calendar()


def event_body(event: Event) -> dict:
    """What Google should hold for this event (the fields we own)."""
    tz = event.cohort.timezone
    location = event.location or event.cohort.meeting_link
    description = event.description
    if event.recorded:
        description = f"{description}\n\nThis event is recorded.".strip()
    body = {
        "id": event.google_event_id,
        "summary": event.title,
        "description": description,
        "location": location,
        "start": {
            "dateTime": event.starts_at.astimezone(event.cohort.tzinfo).isoformat(),
            "timeZone": tz,
        },
        "end": {
            "dateTime": event.ends_at.astimezone(event.cohort.tzinfo).isoformat(),
            "timeZone": tz,
        },
        "status": "confirmed",
        "transparency": "transparent" if event.optional else "opaque",
        "extendedProperties": {
            "private": {PORTAL_PROPERTY: str(event.pk), "portalCohort": str(event.cohort_id)}
        },
    }
    if not location:
        # No meeting link of our own: ask Google for a Meet link. The request id is stable, so
        # a retried request does not create a second conference.
        body["conferenceData"] = {
            "createRequest": {
                "requestId": f"{event.google_event_id}-meet",
                "conferenceSolutionKey": {"type": "hangoutsMeet"},
            }
        }
    return body


def _meet_link(result: dict) -> str:
    if result.get("hangoutLink"):
        return result["hangoutLink"]
    for entry in (result.get("conferenceData") or {}).get("entryPoints", []):
        if entry.get("entryPointType") == "video" and entry.get("uri"):
            return entry["uri"]
    return ""


def _push(calendar, event: Event) -> dict | None:
    """Make Google match `event` once; returns what Google answered (None for a delete)."""
    calendar_id = event.cohort.google_calendar_id
    if event.cancelled:
        calendar.delete(calendar_id=calendar_id, event_id=event.google_event_id)
        return None
    body = event_body(event)
    if event.meet_link and "conferenceData" in body:
        # Google made a Meet link for us before: keep it rather than asking for another.
        del body["conferenceData"]
        body["location"] = event.meet_link
    if event.synced_at is not None:
        # Google has held this event before (perhaps deleted, which an update undoes): one
        # call. Only when Google never had it, or purged it, does it cost a second.
        try:
            return calendar.update(
                calendar_id=calendar_id, event_id=event.google_event_id, body=body
            )
        except PermanentError as exc:
            if exc.status not in (404, 410):
                raise
    try:
        return calendar.insert(calendar_id=calendar_id, body=body)
    except EventAlreadyExists:
        # An earlier insert reached Google but its answer was lost.
        return calendar.update(calendar_id=calendar_id, event_id=event.google_event_id, body=body)


def sync_event(*, event_id: int) -> str:
    """Make the cohort's Google Calendar match one event; records the sync state on the event.

    Raises TransientError for the caller to retry; a permanent error is recorded on
    the event as failed and not raised."""
    for _ in range(MAX_ROUNDS):
        event = Event.objects.select_related("cohort").filter(pk=event_id).first()
        if event is None:
            return "gone"
        calendar = calendar_for(event.cohort)
        seen_version = event.updated_at
        try:
            result = _push(calendar, event)
        except TransientError as exc:
            Event.objects.filter(pk=event_id).update(sync_error=str(exc))
            raise
        except PermanentError as exc:
            logger.warning("Google Calendar sync of event %s failed: %s", event_id, exc)
            Event.objects.filter(pk=event_id).update(
                sync_state=SyncState.FAILED, sync_error=str(exc)
            )
            return "failed"
        changes = {
            "sync_state": SyncState.SYNCED if calendar.configured else SyncState.LOGGED,
            "synced_at": timezone.now(),
            "sync_error": "",
        }
        link = _meet_link(result or {})
        if link and not event.meet_link and not (event.location or event.cohort.meeting_link):
            changes["meet_link"] = link
        # Only a sync of the newest version counts; otherwise go round again.
        if Event.objects.filter(pk=event_id, updated_at=seen_version).update(**changes):
            return "deleted" if event.cancelled else "synced"
    return "changed meanwhile"


def note_retry(*, event_id: int, seconds: float) -> None:
    """A failed sync will be tried again in `seconds`: the sweeper waits for that retry."""
    Event.objects.filter(pk=event_id).update(
        sync_retry_at=timezone.now() + timedelta(seconds=seconds)
    )


def events_to_sweep(*, now=None, limit: int = 500) -> list[int]:
    """Events still waiting for Google well past their change (or their retry's time): their
    task was lost. Read from our database only, so it can run every few seconds."""
    now = now or timezone.now()
    overdue = now - timedelta(seconds=settings.GOOGLE_CALENDAR_SWEEP_GRACE_SECONDS)
    due = Greatest("updated_at", Coalesce("sync_retry_at", "updated_at"))
    return list(
        Event.objects.filter(sync_state=SyncState.PENDING)
        .alias(due=due)
        .filter(due__lte=overdue)
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )


def mark_sync_failed(*, event_id: int, error: str) -> None:
    """Give up on retries: the admin shows it as failed; reconciliation tries again later."""
    Event.objects.filter(pk=event_id).update(sync_state=SyncState.FAILED, sync_error=error)


def _differs(event: Event, remote: dict) -> bool:
    if event.cancelled:
        return remote.get("status") != "cancelled"
    if remote.get("status") == "cancelled":
        return True
    wanted = event_body(event)
    if event.meet_link and "conferenceData" in wanted:
        wanted["location"] = event.meet_link
    for key in ("summary", "description", "location", "transparency"):
        if (remote.get(key) or "") != (wanted.get(key) or ""):
            return True
    for key in ("start", "end"):
        mine = timezone.datetime.fromisoformat(wanted[key]["dateTime"])
        theirs = (remote.get(key) or {}).get("dateTime")
        if not theirs or timezone.datetime.fromisoformat(theirs.replace("Z", "+00:00")) != mine:
            return True
    return False


def events_needing_sync(*, cohort) -> list[int]:
    """Events of a cohort whose Google copy is missing or differs (one list call per cohort)."""
    calendar = calendar_for(cohort)
    events = list(Event.objects.filter(cohort=cohort).select_related("cohort"))
    if not calendar.configured:
        return [e.pk for e in events if e.sync_state != SyncState.LOGGED]
    # A sync that failed, or is still waiting long after its change (its task was lost), is
    # tried again whatever Google holds.
    overdue = timezone.now() - timedelta(seconds=settings.GOOGLE_CALENDAR_RECONCILE_GRACE_SECONDS)
    unsettled = {
        e.pk
        for e in events
        if e.sync_state == SyncState.FAILED
        or (e.sync_state == SyncState.PENDING and e.updated_at <= overdue)
    }
    remote = {
        item.get("id"): item
        for item in calendar.list_events(
            calendar_id=cohort.google_calendar_id, private_property=f"portalCohort={cohort.pk}"
        )
    }
    stale = []
    for event in events:
        item = remote.get(event.google_event_id)
        if event.pk in unsettled:
            stale.append(event.pk)
        elif item is None:
            if not event.cancelled:
                stale.append(event.pk)
        elif _differs(event, item):
            stale.append(event.pk)
    return stale


def delete_remote(*, cohort, event_id: int) -> None:
    """Remove the Google copy of an event that no longer exists in the portal."""
    calendar_for(cohort).delete(
        calendar_id=cohort.google_calendar_id, event_id=google_event_id(event_id)
    )
