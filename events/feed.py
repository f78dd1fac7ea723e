"""Personal iCalendar feeds: the cohort's events plus whatever other apps add for one person.

Other apps register a provider that returns `FeedItem`s for a membership (the sprints work adds
a person's bookings this way); providers must run a constant number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from icalendar import Calendar
from icalendar import Event as ICalEvent

from cohort.models import Membership


@dataclass(frozen=True)
class FeedItem:
    uid: str  # stable across requests: calendar apps update by UID
    title: str
    starts_at: datetime
    ends_at: datetime
    description: str = ""
    location: str = ""
    url: str = ""
    # What subscribed and imported calendars need to follow a change: a cancelled item stays
    # in the feed as CANCELLED (for a while) instead of vanishing, and each change raises
    # `sequence`.
    cancelled: bool = False
    sequence: int = 0
    last_modified: datetime | None = None


Provider = Callable[[Membership], list[FeedItem]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def feed_items(membership: Membership) -> list[FeedItem]:
    items = [item for provider in _providers for item in provider(membership)]
    return sorted(items, key=lambda item: (item.starts_at, item.uid))


def uid_domain() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "portal"


def build_ics(membership: Membership, items: list[FeedItem], now: datetime) -> bytes:
    """An iCalendar document with one VEVENT per item, in the cohort's timezone."""
    cohort = membership.cohort
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//{cohort.slug}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{cohort.name} ({membership.user.display_name})")
    calendar.add("x-wr-timezone", cohort.timezone)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    tz = cohort.tzinfo
    for item in items:
        vevent = ICalEvent()
        vevent.add("uid", item.uid)
        vevent.add("dtstamp", now)
        vevent.add("summary", item.title)
        vevent.add("dtstart", item.starts_at.astimezone(tz))
        vevent.add("dtend", item.ends_at.astimezone(tz))
        if item.description:
            vevent.add("description", item.description)
        if item.location:
            vevent.add("location", item.location)
        if item.url:
            vevent.add("url", item.url)
        vevent.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        vevent.add("sequence", item.sequence)
        if item.last_modified:
            vevent.add("last-modified", item.last_modified.astimezone(UTC))
        calendar.add_component(vevent)
    calendar.add_missing_timezones()
    return calendar.to_ical()
