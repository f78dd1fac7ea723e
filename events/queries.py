"""Reads of the events app used by more than one caller."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, Q
from django.urls import reverse

from cohort import fragments
from cohort.models import Cohort, Membership, Role, User
from cohort.models.accounts import display_name_of
from events.models import Attendance, Event, LightningSlot, RecordingOptOut

GUIDANCE_LOW, GUIDANCE_HIGH = 10, 80


def schedule_events(cohort: Cohort):
    return Event.objects.active().filter(cohort=cohort).select_related("host", "cohort")


# The "events" topic of cohort/fragments.py: events (events/apps.py) and the names of their hosts.
TOPIC = "events"
ROWS_TIMEOUT_SECONDS = 24 * 3600


@dataclass(frozen=True)
class EventRow:
    """What the schedule and the home page show of an event: the same for every viewer."""

    pk: int
    title: str
    kind_label: str
    optional: bool
    recorded: bool
    recording_url: str
    host_name: str
    starts_at: datetime
    ends_at: datetime
    url: str

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def is_now(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at


@dataclass(frozen=True)
class EventRows:
    """A cohort's active events in time order, and the generation they were read at."""

    generation: int
    rows: list[EventRow]


def event_rows(cohort: Cohort) -> EventRows:
    """The cohort's active events as lists show them: from the cache until an event (or the
    name of its host) changes, so a page shows the schedule without a query."""
    # The generation and the rows stored with the generation they were read at: one round trip.
    gen_key = fragments.generation_key(cohort.pk, TOPIC)
    rows_key = f"event-rows:{cohort.pk}:{cohort.slug}"
    found = cache.get_many([gen_key, rows_key])
    generation = found.get(gen_key)
    if generation is None:
        generation = fragments.generations(cohort.pk, [TOPIC])[TOPIC]
    stored = found.get(rows_key)
    if stored is not None and stored[0] == generation:
        return EventRows(generation=generation, rows=stored[1])
    rows = [
        EventRow(
            pk=event.pk,
            title=event.title,
            kind_label=event.get_kind_display(),
            optional=event.optional,
            recorded=event.recorded,
            recording_url=event.recording_url,
            host_name=event.host.display_name if event.host else "",
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            url=reverse("events:event", kwargs={"slug": cohort.slug, "pk": event.pk}),
        )
        for event in Event.objects.active().filter(cohort=cohort).select_related("host")
    ]
    cache.set(rows_key, (generation, rows), timeout=ROWS_TIMEOUT_SECONDS)
    return EventRows(generation=generation, rows=rows)


# How long a cancelled event stays in the feeds (as STATUS:CANCELLED) after its last change.
FEED_KEEPS_CANCELLED = timedelta(days=30)


def feed_events(cohort: Cohort, now: datetime):
    """The events a feed carries: those on, and those cancelled in the last 30 days."""
    return (
        Event.objects.filter(cohort=cohort)
        .filter(Q(cancelled=False) | Q(updated_at__gte=now - FEED_KEEPS_CANCELLED))
        .select_related("host", "cohort")
    )


def upcoming_events(cohort: Cohort, now: datetime, limit: int = 5) -> list[EventRow]:
    return [row for row in event_rows(cohort).rows if row.ends_at > now][:limit]


def event_of_cohort(cohort: Cohort, pk: int):
    return Event.objects.select_related("host", "cohort").filter(cohort=cohort, pk=pk)


@dataclass(frozen=True)
class OptOuts:
    everything: bool
    event_ids: frozenset

    def covers(self, event: Event) -> bool:
        return self.everything or event.pk in self.event_ids


def opt_outs_of(cohort: Cohort, user: User) -> OptOuts:
    rows = list(
        RecordingOptOut.objects.filter(cohort=cohort, user=user).values_list("event_id", flat=True)
    )
    return OptOuts(
        everything=None in rows, event_ids=frozenset(pk for pk in rows if pk is not None)
    )


def people_opted_out(event: Event) -> list[User]:
    """Everyone in the cohort who does not want to be recorded at this event."""
    rows = (
        RecordingOptOut.objects.filter(cohort=event.cohort)
        .filter(Q(event=event) | Q(event__isnull=True))
        .filter(user__memberships__cohort=event.cohort)
        .select_related("user")
        .order_by("user__name", "user__email")
    )
    seen, people = set(), []
    for row in rows:
        if row.user_id not in seen:
            seen.add(row.user_id)
            people.append(row.user)
    return people


def attended_event_ids(cohort: Cohort, user: User) -> set[int]:
    return set(
        Attendance.objects.filter(event__cohort=cohort, user=user).values_list(
            "event_id", flat=True
        )
    )


@dataclass(frozen=True)
class Share:
    attended: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.attended / self.total) if self.total else 0

    @property
    def verdict(self) -> str:
        if not self.total:
            return "none yet"
        if self.percent < GUIDANCE_LOW:
            return "below"
        if self.percent > GUIDANCE_HIGH:
            return "above"
        return "within"


def past_events(cohort: Cohort, now: datetime):
    return Event.objects.active().filter(cohort=cohort, ends_at__lte=now)


def share_of(rows: list[EventRow], attended_ids: set[int], now: datetime) -> Share:
    """`attendance_share` from the rows a page has already (no query)."""
    past = [row.pk for row in rows if row.ends_at <= now]
    return Share(attended=len(attended_ids.intersection(past)), total=len(past))


def attendance_share(cohort: Cohort, user: User, now: datetime) -> Share:
    counts = past_events(cohort, now).aggregate(
        total=Count("id", distinct=True),
        attended=Count("id", filter=Q(attendances__user=user), distinct=True),
    )
    return Share(attended=counts["attended"], total=counts["total"])


@dataclass(frozen=True)
class ParticipantShare:
    user_id: int
    name: str
    share: Share


def attendance_by_participant(cohort: Cohort, now: datetime) -> list[ParticipantShare]:
    """Every participant's share of the past events, by name."""
    total = past_events(cohort, now).count()
    participants = (
        User.objects.filter(memberships__cohort=cohort, memberships__role=Role.PARTICIPANT)
        .annotate(
            attended=Count(
                "attendances",
                filter=Q(
                    attendances__event__cohort=cohort,
                    attendances__event__cancelled=False,
                    attendances__event__ends_at__lte=now,
                ),
                distinct=True,
            )
        )
        .order_by("name", "email")
        .values_list("pk", "name", "email", "attended")
    )
    return [
        ParticipantShare(pk, display_name_of(name, email), Share(attended=attended, total=total))
        for pk, name, email, attended in participants
    ]


def participants_of(cohort: Cohort):
    return User.objects.filter(
        memberships__cohort=cohort, memberships__role=Role.PARTICIPANT
    ).order_by("name", "email")


def run_sheet(event: Event):
    return LightningSlot.objects.filter(event=event).select_related("speaker", "partner")


def membership_for_feed(slug: str, token: str) -> Membership | None:
    return (
        Membership.objects.select_related("cohort", "user")
        .filter(cohort__slug=slug, feed_token__token=token, user__is_active=True)
        .first()
    )
